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

/// The most questions a retrospective asks (a person at the door answers in a minute).
pub const MAX_RETRO_QUESTIONS: usize = 8;

/// The organizer's questions are sound: 1 to [`MAX_RETRO_QUESTIONS`], each with words and its own id.
pub fn validate_questions(questions: &[RetroQuestion]) -> Result<(), crate::ValidationError> {
    let bad = |message: String| Err(crate::ValidationError::new("retro_questions", message));
    if questions.is_empty() || questions.len() > MAX_RETRO_QUESTIONS {
        return bad(format!("the retrospective asks 1 to {MAX_RETRO_QUESTIONS} questions"));
    }
    for (i, question) in questions.iter().enumerate() {
        let text = question.text.trim();
        if text.is_empty() || text.chars().count() > 200 {
            return bad(format!("question {} needs some words (at most 200 characters)", i + 1));
        }
        if question.id.trim().is_empty() || questions[..i].iter().any(|q| q.id == question.id) {
            return bad(format!("question {} needs an id of its own", i + 1));
        }
        // The same question twice splits its answers in two (and reads as a mistake on the kiosk).
        let words = |t: &str| t.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if let Some(first) = questions[..i].iter().position(|q| words(&q.text) == words(text)) {
            return bad(format!(
                "questions {} and {} both ask \u{201c}{text}\u{201d}: remove one or change it",
                first + 1,
                i + 1
            ));
        }
    }
    Ok(())
}

/// Checks one person's answers against the questions: each reply to a question asked, a rating 1 to 5 for
/// a rating question, at most [`MAX_RETRO_TEXT`] characters for a text one. Returns the replies worth
/// keeping (empty ones left out); none means the person skipped.
pub fn check_replies(
    questions: &[RetroQuestion],
    replies: Vec<RetroReply>,
) -> Result<Vec<RetroReply>, crate::ValidationError> {
    let bad = |message: String| Err(crate::ValidationError::new("replies", message));
    let mut kept: Vec<RetroReply> = Vec::new();
    for reply in replies {
        let Some(question) = questions.iter().find(|q| q.id == reply.question) else {
            return bad(format!("there is no question {:?}: the questions have changed, reload", reply.question));
        };
        if kept.iter().any(|k| k.question == reply.question) {
            return bad(format!("\"{}\" is answered twice", question.text));
        }
        let reply = match question.kind {
            RetroKind::Rating => match reply.rating {
                None => continue,
                Some(rating @ 1..=5) => RetroReply { question: reply.question, rating: Some(rating), text: None },
                Some(_) => return bad(format!("\"{}\" is answered with 1 to 5", question.text)),
            },
            RetroKind::Text => {
                let text = reply.text.unwrap_or_default().trim().to_owned();
                if text.is_empty() {
                    continue;
                }
                if text.chars().count() > MAX_RETRO_TEXT {
                    return bad(format!("the answer to \"{}\" is over {MAX_RETRO_TEXT} characters", question.text));
                }
                RetroReply { question: reply.question, rating: None, text: Some(text) }
            }
        };
        kept.push(reply);
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(question: &str, rating: Option<u8>, text: Option<&str>) -> RetroReply {
        RetroReply { question: question.into(), rating, text: text.map(str::to_owned) }
    }

    #[test]
    fn answers_are_checked_against_the_questions() {
        let questions = default_retro_questions();
        let long = "x".repeat(MAX_RETRO_TEXT + 1);
        // (replies, kept questions or the error's words)
        type Case<'a> = (Vec<RetroReply>, Result<Vec<&'a str>, &'a str>);
        let cases: Vec<Case> = vec![
            (vec![reply("q1", Some(5), None), reply("q2", None, Some(" Mentors! "))], Ok(vec!["q1", "q2"])),
            (vec![reply("q1", None, None), reply("q2", None, Some("   "))], Ok(vec![])),
            (vec![], Ok(vec![])),
            (vec![reply("q1", Some(0), None)], Err("is answered with 1 to 5")),
            (vec![reply("q1", Some(6), None)], Err("is answered with 1 to 5")),
            (vec![reply("q9", Some(3), None)], Err("there is no question \"q9\"")),
            (vec![reply("q1", Some(3), None), reply("q1", Some(4), None)], Err("is answered twice")),
            (vec![reply("q3", None, Some(&long))], Err("is over 2000 characters")),
        ];
        for (replies, expected) in cases {
            let got = check_replies(&questions, replies.clone());
            match (got, expected) {
                (Ok(kept), Ok(ids)) => assert_eq!(kept.iter().map(|r| r.question.as_str()).collect::<Vec<_>>(), ids),
                (Err(e), Err(words)) => assert!(e.to_string().contains(words), "{e}"),
                (got, expected) => panic!("{replies:?}: {got:?} vs {expected:?}"),
            }
        }
        let kept = check_replies(&questions, vec![reply("q2", Some(4), Some(" ok "))]).unwrap();
        assert_eq!(kept, vec![reply("q2", None, Some("ok"))], "a text question keeps only the words, trimmed");
    }

    #[test]
    fn the_organizers_questions_are_checked() {
        let q = |id: &str, text: &str| RetroQuestion { id: id.into(), text: text.into(), kind: RetroKind::Text };
        assert!(validate_questions(&default_retro_questions()).is_ok());
        assert!(validate_questions(&[]).is_err());
        assert!(validate_questions(&[q("a", " ")]).is_err());
        assert!(validate_questions(&[q("a", "One?"), q("a", "Two?")]).is_err());
        assert!(validate_questions(&[q("a", "x")]).is_ok());
        // The same words twice (in any case, however spaced) is one question asked twice.
        for (first, second, refused) in [
            ("What went well?", "What went well?", true),
            ("What went well?", "  what WENT  well? ", true),
            ("What went well?", "What went badly?", false),
            ("How was the sprint?", "How was the venue?", false),
        ] {
            let got = validate_questions(&[q("a", first), q("b", second)]);
            assert_eq!(got.is_err(), refused, "{first:?} then {second:?}: {got:?}");
            if let Err(error) = got {
                assert!(error.to_string().contains("questions 1 and 2 both ask"), "{error}");
            }
        }
        let many: Vec<RetroQuestion> = (0..9).map(|i| q(&format!("q{i}"), &format!("Why {i}?"))).collect();
        assert!(validate_questions(&many).is_err());
    }
}
