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
    /// At the door: the token of the sign-out just made, good for one set of answers (see
    /// [`RetroTickets`]). Over the venue network the answers need it; a staff device's own screen does not.
    #[serde(default)]
    #[ts(optional)]
    pub token: Option<String>,
}

/// How long after signing out at the door its retrospective can still be answered, in minutes: a long
/// answer is typed slowly, and the kiosk gives up on a form left alone well before.
pub const RETRO_TICKET_MINUTES: i64 = 30;

/// Sign-outs made on this device whose retrospective has not been answered yet: one set of answers each, and
/// one a person a day. Kept in memory only, like the undo tokens they are.
#[derive(Debug, Default)]
pub(crate) struct RetroTickets {
    open: Vec<RetroTicket>,
    /// Who has answered, and on which day: their next sign-out that day gets no ticket.
    answered: std::collections::HashSet<(sprintdesk_domain::AttendeeId, chrono::NaiveDate)>,
}

#[derive(Debug)]
struct RetroTicket {
    token: String,
    until: sprintdesk_domain::Timestamp,
    person: sprintdesk_domain::AttendeeId,
    day: chrono::NaiveDate,
}

impl RetroTickets {
    /// The most held at once. Past it no ticket is given until some expire (never one pushed out: a flood of
    /// sign-outs from the Wi-Fi once pushed out an honest person's ticket before she had answered).
    const HELD: usize = 10_000;

    /// A ticket for the sign-out `token` of `person` on `day`, unless they have answered that day. A second
    /// sign-out the same day (after a sign-in again) replaces the first's.
    /// Whether one was given.
    pub(crate) fn issue(
        &mut self,
        token: &str,
        person: &sprintdesk_domain::AttendeeId,
        day: chrono::NaiveDate,
        now: sprintdesk_domain::Timestamp,
    ) -> bool {
        self.open.retain(|t| now <= t.until && !(t.person == *person && t.day == day));
        if self.answered.contains(&(person.clone(), day)) || self.open.len() >= Self::HELD {
            return false;
        }
        let until = now.plus_seconds(RETRO_TICKET_MINUTES * 60);
        self.open.push(RetroTicket { token: token.to_owned(), until, person: person.clone(), day });
        true
    }

    /// A sign-out taken back: its ticket goes with it.
    pub(crate) fn revoke(&mut self, token: &str) {
        self.open.retain(|t| t.token != token);
    }

    /// Uses `token` up, if it is a ticket still good at `now`.
    fn take(&mut self, token: &str, now: sprintdesk_domain::Timestamp) -> bool {
        self.open.retain(|t| now <= t.until);
        let Some(at) = self.open.iter().position(|t| t.token == token) else { return false };
        let ticket = self.open.remove(at);
        self.answered.insert((ticket.person, ticket.day));
        true
    }
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
        // The kiosk asks it once per sign-out, with that sign-out's token: without one, anyone at a locked
        // kiosk's keyboard (or a script on its own computer) could answer a thousand times and skew it.
        if submission.token.is_none() && self.mode()? == crate::Mode::Kiosk {
            return Err(Error::NotAllowed(
                "at a locked kiosk the retrospective is answered right after signing out (or on a staff device)".into(),
            ));
        }
        if let Some(token) = &submission.token
            && !self.retro_tickets.take(token, now)
        {
            return Err(Error::NotAllowed(
                "these answers were given already, or the sign-out they follow was too long ago".into(),
            ));
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
