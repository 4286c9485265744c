//! The retrospective at the door and on staff devices: the questions, and one person's answers, kept with
//! no attendee id (see [`sprintdesk_domain::RetroAnswer`]).

use crate::{Desk, Error};
use serde::{Deserialize, Serialize};
use sprintdesk_domain::{
    RetroAnswer, RetroAnswerId, RetroQuestion, RetroReply, check_replies, default_retro_questions,
};
use sprintdesk_store::Op;

/// What the retrospective asks, and whether the kiosk asks it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RetroPrompt {
    pub questions: Vec<RetroQuestion>,
    /// Today is the sprint's last open day (or later): the kiosk asks at sign-out.
    pub ask_at_sign_out: bool,
}

/// One person's answers. Nothing says who gave them.
#[derive(Clone, Debug, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
pub struct RetroSubmission {
    pub replies: Vec<RetroReply>,
}

/// What became of a submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct RetroThanks {
    /// How many questions were answered (0: nothing was kept, as if skipped).
    pub answered: u32,
}

impl Desk {
    pub fn retro(&mut self) -> Result<RetroPrompt, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let sprint = &snapshot.sprint;
        let last_open = sprint.days.iter().rev().find(|d| !d.is_break).map(|d| d.date);
        Ok(RetroPrompt {
            questions: sprint.retro_questions.clone().unwrap_or_else(default_retro_questions),
            ask_at_sign_out: last_open.is_some_and(|last| sprint.local_date(now) >= last),
        })
    }

    /// Keeps one person's answers (none given: nothing is written).
    pub fn answer_retro(&mut self, submission: RetroSubmission) -> Result<RetroThanks, Error> {
        let now = self.now();
        let snapshot = self.snapshot()?;
        let questions = snapshot.sprint.retro_questions.clone().unwrap_or_else(default_retro_questions);
        let replies = check_replies(&questions, submission.replies)?;
        if replies.is_empty() {
            return Ok(RetroThanks { answered: 0 });
        }
        let answer = RetroAnswer {
            id: RetroAnswerId::made_by(&self.make_id("r"), self.store().device()),
            day: snapshot.sprint.local_date(now),
            replies,
        };
        let answered = u32::try_from(answer.replies.len()).unwrap_or(u32::MAX);
        self.write(Op::put(&answer, None))?;
        Ok(RetroThanks { answered })
    }
}
