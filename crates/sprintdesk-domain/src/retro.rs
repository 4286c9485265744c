//! The retrospective: the organizer's questions, and the answers attendees give at the kiosk when they sign
//! out on the last day or on any staff device. Answers are anonymous: a set of answers says on which day and
//! device it was given, never by whom.

use crate::RetroAnswerId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One question of the retrospective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RetroQuestion {
    /// Stable within the sprint (`q1`, `q2`, …): answers refer to it.
    pub id: String,
    pub text: String,
    pub kind: RetroKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RetroKind {
    /// 1 (bad) to 5 (great).
    Rating,
    /// A few words.
    Text,
}

/// The questions asked when the organizer has not set any.
pub fn default_retro_questions() -> Vec<RetroQuestion> {
    let question = |id: &str, text: &str, kind| RetroQuestion { id: id.into(), text: text.into(), kind };
    vec![
        question("q1", "How was the sprint?", RetroKind::Rating),
        question("q2", "What went well?", RetroKind::Text),
        question("q3", "What should we change next time?", RetroKind::Text),
    ]
}

/// One person's answers, given once, stored with no attendee id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RetroAnswer {
    pub id: RetroAnswerId,
    /// The sprint day it was given on.
    pub day: NaiveDate,
    pub replies: Vec<RetroReply>,
}

/// The answer to one question: a rating or some words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct RetroReply {
    pub question: String,
    #[serde(default)]
    pub rating: Option<u8>,
    #[serde(default)]
    pub text: Option<String>,
}

/// The longest text answer kept.
pub const MAX_RETRO_TEXT: usize = 2000;
