//! Issue claims: who holds which issue, which claims are contested, and who may claim what.
//!
//! A claim's state is computed from insert-only events, the sign-in events and the time. Releasing a claim
//! at sign-out or at closing time is therefore a decision, not a write: every device reaches it from the
//! same data, and nothing anyone did is overwritten.

use crate::{Attendee, AttendeeId, ClaimAction, ClaimEvent, Issue, IssueState, Sprint, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case", tag = "state", content = "reason")]
pub enum ClaimState {
    /// Claimed, being worked on.
    Active,
    /// A pull request is open; no longer released at sign-out or closing time.
    PrOpen,
    Merged,
    Released(ReleaseReason),
}

impl ClaimState {
    pub fn is_open(self) -> bool {
        matches!(self, ClaimState::Active | ClaimState::PrOpen)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ReleaseReason {
    /// The holder (or their lead) let it go.
    ByHand,
    /// A lead resolved a contested claim in favour of someone else.
    Resolved,
    SignedOut,
    ClosingTime,
    IssueClosed,
}

/// One person's claim on an issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimHolder {
    pub attendee: AttendeeId,
    pub mentor: Option<AttendeeId>,
    pub since: Timestamp,
    pub state: ClaimState,
    /// Kept by a lead's resolution: part of an agreed pair, so not contested.
    pub settled: bool,
    /// Kept overnight by a lead: released at this sprint day's closing or sign-out, not before.
    #[serde(default)]
    pub kept_until: Option<chrono::NaiveDate>,
    /// The device the claim was recorded on (contested claims are settled knowing where each came from).
    #[serde(default)]
    pub device: Option<crate::DeviceId>,
}

/// The sprint day after `date` on which the venue opens (break days skipped), if there is one.
pub fn next_open_day(sprint: &Sprint, date: chrono::NaiveDate) -> Option<chrono::NaiveDate> {
    sprint.days.iter().filter(|d| d.date > date && !d.is_break).map(|d| d.date).min()
}

/// The claims on one issue, computed at one instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueClaims {
    /// Every claim ever made on the issue, oldest first, with its state now.
    pub holders: Vec<ClaimHolder>,
    /// Two or more people hold the issue and no lead has agreed to it: shown to the lead, never settled
    /// silently.
    pub contested: bool,
    /// The issue's state once PR-opened and merged events are taken into account.
    pub state: IssueState,
}

impl IssueClaims {
    pub fn open(&self) -> impl Iterator<Item = &ClaimHolder> {
        self.holders.iter().filter(|holder| holder.state.is_open())
    }

    pub fn open_by(&self, attendee: &AttendeeId) -> Option<&ClaimHolder> {
        self.open().find(|holder| &holder.attendee == attendee)
    }
}

/// One issue's claim events as they stand: an undone event counts as never made, and its retraction only
/// for that (both are left out).
pub fn standing<'a>(events: impl IntoIterator<Item = &'a ClaimEvent>) -> Vec<&'a ClaimEvent> {
    let mut events: Vec<&ClaimEvent> = events.into_iter().collect();
    let retracted: Vec<&str> = events.iter().filter_map(|e| e.retracts()).collect();
    events.retain(|e| e.action != ClaimAction::Retract && !retracted.contains(&e.id.as_str()));
    events
}

/// Computes the claims on `issue` at `now` from its claim events and the holders' sign-outs:
/// `signed_out(person, since)` is the first time that person (as `canonical` gives them) signed out after
/// `since` ([`crate::signed_out_after`] over their own events: a board asks this for every claim, and
/// must not read the whole week's events each time).
pub fn issue_claims(
    sprint: &Sprint,
    issue: &Issue,
    claim_events: &[&ClaimEvent],
    signed_out: &dyn Fn(&AttendeeId, Timestamp) -> Option<Timestamp>,
    canonical: &dyn Fn(&AttendeeId) -> AttendeeId,
    now: Timestamp,
) -> IssueClaims {
    let mut events = standing(claim_events.iter().copied().filter(|e| e.issue == issue.id));
    events.sort_by(|a, b| (a.at, &a.id).cmp(&(b.at, &b.id)));

    let mut holders: Vec<ClaimHolder> = Vec::new();
    let mut pr_opened = issue.state == IssueState::PrOpen;
    let mut merged = issue.state == IssueState::Merged;
    // A merge recorded at the sprint (not the forge's word, imported): a claim made after it, on a device
    // that had not heard, is not credited with it.
    let mut merged_here = false;
    // Releases that happen with time alone: the holder signed out, or the venue closed. `until`: the time
    // the releases are worked out to; `recorded`: a sign-out recorded counts whatever its stamp (it has
    // happened: a door that knew of a claim stamped by a fast clock stamps the sign-out after it, in what is
    // still this device's future).
    let expire = |holders: &mut Vec<ClaimHolder>, until: Timestamp, recorded: bool| {
        for holder in holders.iter_mut().filter(|h| h.state == ClaimState::Active) {
            // A claim kept overnight counts from the next sprint day's opening.
            let (day, from) = match holder.kept_until {
                Some(day) => (day, sprint.opens_at(day).unwrap_or(holder.since)),
                None => (sprint.local_date(holder.since), holder.since),
            };
            let closing = sprint.closes_at(day);
            let signed_out = signed_out(&holder.attendee, from);
            let release = [(signed_out, ReleaseReason::SignedOut), (closing, ReleaseReason::ClosingTime)]
                .into_iter()
                .filter_map(|(at, reason)| at.map(|at| (at, reason)))
                .filter(|(at, reason)| *at <= until || (recorded && *reason == ReleaseReason::SignedOut))
                .min_by_key(|(at, _)| *at);
            if let Some((_, reason)) = release {
                holder.state = ClaimState::Released(reason);
            }
        }
    };

    for event in events {
        expire(&mut holders, event.at, false);
        match &event.action {
            ClaimAction::Claim { attendee, mentor } => {
                let attendee = canonical(attendee);
                if holders.iter().any(|h| h.attendee == attendee && h.state.is_open()) {
                    continue;
                }
                holders.push(ClaimHolder {
                    attendee,
                    mentor: mentor.as_ref().map(canonical),
                    since: event.at,
                    state: if merged_here {
                        ClaimState::Released(ReleaseReason::IssueClosed)
                    } else if merged {
                        ClaimState::Merged
                    } else {
                        ClaimState::Active
                    },
                    settled: false,
                    kept_until: None,
                    device: Some(event.device.clone()),
                });
            }
            ClaimAction::Release { attendee } => {
                let attendee = canonical(attendee);
                for holder in holders.iter_mut().filter(|h| h.attendee == attendee && h.state.is_open()) {
                    holder.state = ClaimState::Released(ReleaseReason::ByHand);
                }
            }
            ClaimAction::Resolve { keep } => {
                // Settles a contest: one made when the issue is no longer contested (another lead settled it
                // first, on another device) changes nothing, or two leads' decisions would release everyone.
                let open: Vec<&ClaimHolder> = holders.iter().filter(|h| h.state.is_open()).collect();
                if open.len() < 2 || open.iter().all(|h| h.settled) {
                    continue;
                }
                let keep: Vec<AttendeeId> = keep.iter().map(canonical).collect();
                for holder in holders.iter_mut().filter(|h| h.state.is_open()) {
                    if keep.contains(&holder.attendee) {
                        holder.settled = true;
                    } else {
                        holder.state = ClaimState::Released(ReleaseReason::Resolved);
                    }
                }
            }
            ClaimAction::PrOpened { attendee } => {
                pr_opened = true;
                let by = attendee.as_ref().map(canonical);
                for holder in holders.iter_mut().filter(|h| h.state == ClaimState::Active) {
                    if by.is_none() || by.as_ref() == Some(&holder.attendee) {
                        holder.state = ClaimState::PrOpen;
                    }
                }
                // Their pull request is theirs even when their claim had lapsed with time (they signed out,
                // or the venue closed, before a lead recorded it, on a laptop that had not heard): the claim
                // stands again, with its pull request. Credited to no one, it vanished from the report.
                if let Some(by) = &by
                    && !holders.iter().any(|h| &h.attendee == by && h.state.is_open())
                    && let Some(lapsed) = holders.iter_mut().rev().find(|h| {
                        &h.attendee == by
                            && matches!(
                                h.state,
                                ClaimState::Released(ReleaseReason::SignedOut | ReleaseReason::ClosingTime)
                            )
                    })
                {
                    lapsed.state = ClaimState::PrOpen;
                }
            }
            ClaimAction::KeepOvernight { attendee } => {
                let attendee = canonical(attendee);
                let next = next_open_day(sprint, sprint.local_date(event.at));
                for holder in holders.iter_mut().filter(|h| h.attendee == attendee && h.state == ClaimState::Active) {
                    holder.kept_until = next.or(holder.kept_until);
                }
            }
            ClaimAction::Merged => {
                merged = true;
                merged_here = true;
                for holder in holders.iter_mut().filter(|h| h.state.is_open()) {
                    holder.state = ClaimState::Merged;
                }
            }
            ClaimAction::Retract => {}
        }
    }
    expire(&mut holders, now, true);

    let state = if merged {
        IssueState::Merged
    } else if issue.state == IssueState::Closed {
        for holder in holders.iter_mut().filter(|h| h.state.is_open()) {
            holder.state = ClaimState::Released(ReleaseReason::IssueClosed);
        }
        IssueState::Closed
    } else if pr_opened {
        IssueState::PrOpen
    } else {
        IssueState::Open
    };
    let open: Vec<&ClaimHolder> = holders.iter().filter(|h| h.state.is_open()).collect();
    let contested = open.len() >= 2 && open.iter().any(|h| !h.settled);
    IssueClaims { holders, contested, state }
}

/// A claim someone asks to record on this device.
#[derive(Debug)]
pub struct ClaimRequest<'a> {
    pub attendee: &'a Attendee,
    pub issue: &'a Issue,
    pub mentor: Option<&'a Attendee>,
    /// The issue's claims now.
    pub claims: &'a IssueClaims,
    /// How many open claims the attendee holds on other issues.
    pub open_elsewhere: usize,
    pub attendee_present: bool,
    pub mentor_present: bool,
    /// The name of whoever holds the issue now, for the refusal message.
    pub holder_name: Option<String>,
}

/// Why a claim is refused, in the words shown to the table lead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClaimRefusal {
    #[error("this issue is {0} and cannot be claimed")]
    IssueNotOpen(&'static str),
    #[error("{0} is not signed in today; sign them in first")]
    NotSignedIn(String),
    #[error("{0} already holds this issue")]
    AlreadyHolds(String),
    #[error("{0} already holds this issue; release it first or pair them up")]
    HeldBy(String),
    #[error("{0} is a first-time contributor and already holds an issue: one at a time")]
    FirstTimerLimit(String),
    #[error("{0} is a first-time contributor: pick an issue labelled for beginners")]
    NotBeginnerFriendly(String),
    #[error("{0} is a first-time contributor: name a mentor for this claim")]
    MentorRequired(String),
    #[error("{0} cannot mentor themselves")]
    MentorIsSelf(String),
    #[error("{0} is not a mentor or table lead")]
    NotAMentor(String),
    #[error("the mentor {0} is not signed in today")]
    MentorNotHere(String),
}

/// Decides whether a claim may be recorded. Contested claims arise only from devices that were offline at
/// the same time; a device that can see an active claim refuses a second one.
pub fn check_claim(request: &ClaimRequest<'_>) -> Result<(), ClaimRefusal> {
    let who = || request.attendee.name.clone();
    match request.claims.state {
        IssueState::Open => {}
        IssueState::PrOpen => return Err(ClaimRefusal::IssueNotOpen("waiting on its pull request")),
        IssueState::Merged => return Err(ClaimRefusal::IssueNotOpen("merged")),
        IssueState::Closed => return Err(ClaimRefusal::IssueNotOpen("closed")),
    }
    if !request.attendee_present {
        return Err(ClaimRefusal::NotSignedIn(who()));
    }
    if request.claims.open_by(&request.attendee.id).is_some() {
        return Err(ClaimRefusal::AlreadyHolds(who()));
    }
    if request.claims.open().next().is_some() {
        let holder = request.holder_name.clone().unwrap_or_else(|| "someone else".into());
        return Err(ClaimRefusal::HeldBy(holder));
    }
    if request.attendee.first_timer {
        if request.open_elsewhere > 0 {
            return Err(ClaimRefusal::FirstTimerLimit(who()));
        }
        if !request.issue.beginner_friendly {
            return Err(ClaimRefusal::NotBeginnerFriendly(who()));
        }
        if request.mentor.is_none() {
            return Err(ClaimRefusal::MentorRequired(who()));
        }
    }
    if let Some(mentor) = request.mentor {
        if mentor.id == request.attendee.id {
            return Err(ClaimRefusal::MentorIsSelf(who()));
        }
        if !mentor.can_mentor() {
            return Err(ClaimRefusal::NotAMentor(mentor.name.clone()));
        }
        if !request.mentor_present {
            return Err(ClaimRefusal::MentorNotHere(mentor.name.clone()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presence::tests::{at, event, same, sprint};
    use crate::{DeviceId, EventId, PresenceEvent, PresenceKind, Role};

    /// `issue_claims`'s question answered from everyone's events, as the snapshot answers it from one
    /// person's.
    fn signed_out_in(events: &[PresenceEvent]) -> impl Fn(&AttendeeId, Timestamp) -> Option<Timestamp> + '_ {
        |who, since| crate::signed_out_after(events.iter().filter(|e| &e.attendee == who), since)
    }

    fn issue(state: IssueState, beginner: bool) -> Issue {
        Issue {
            id: "i1".into(),
            project: "cpython".into(),
            url: "https://github.com/python/cpython/issues/1".into(),
            number: Some(1),
            title: "Fix the thing".into(),
            labels: vec![],
            beginner_friendly: beginner,
            state,
        }
    }

    fn claim_event(n: u32, when: &str, action: ClaimAction) -> ClaimEvent {
        ClaimEvent {
            id: EventId(format!("c{n:03}")),
            issue: "i1".into(),
            action,
            device: DeviceId::from("lead"),
            at: at(when),
        }
    }

    /// The retraction of event `n` (an undo), made at `when`.
    fn undo_of(n: u32, when: &str) -> ClaimEvent {
        let target = claim_event(n, when, ClaimAction::Retract);
        ClaimEvent { id: ClaimEvent::retraction_id(&target.id), ..target }
    }

    fn claim(who: &str) -> ClaimAction {
        ClaimAction::Claim { attendee: who.into(), mentor: None }
    }

    type Expect = &'static [(&'static str, ClaimState)];

    #[test]
    fn claim_state_cases() {
        use ClaimState::*;
        use ReleaseReason::*;
        struct Case {
            name: &'static str,
            claims: Vec<ClaimEvent>,
            presence: Vec<PresenceEvent>,
            issue_state: IssueState,
            now: &'static str,
            holders: Expect,
            contested: bool,
            state: IssueState,
        }
        let signin = |n, who, when| event(n, PresenceKind::SignIn, who, when, None);
        let signout = |n, who, when| event(n, PresenceKind::SignOut, who, when, None);
        let cases = vec![
            Case {
                name: "one claim is active",
                claims: vec![claim_event(1, "13 10:00", claim("ana"))],
                presence: vec![signin(1, "ana", "13 09:00")],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "released by hand",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 10:30", ClaimAction::Release { attendee: "ana".into() }),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Released(ByHand))],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "released when the holder signs out",
                claims: vec![claim_event(1, "13 10:00", claim("ana"))],
                presence: vec![signin(1, "ana", "13 09:00"), signout(2, "ana", "13 12:00")],
                issue_state: IssueState::Open,
                now: "13 12:30",
                holders: &[("ana", Released(SignedOut))],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "a PR recorded for a claim lapsed at sign-out stands again, and is merged with it",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 11:30", ClaimAction::PrOpened { attendee: Some("ana".into()) }),
                    claim_event(3, "13 15:00", ClaimAction::Merged),
                ],
                presence: vec![signin(1, "ana", "13 09:00"), signout(2, "ana", "13 11:00")],
                issue_state: IssueState::Open,
                now: "13 16:00",
                holders: &[("ana", Merged)],
                contested: false,
                state: IssueState::Merged,
            },
            Case {
                name: "a PR recorded for a claim let go by hand does not bring it back",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 10:30", ClaimAction::Release { attendee: "ana".into() }),
                    claim_event(3, "13 11:30", ClaimAction::PrOpened { attendee: Some("ana".into()) }),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 12:00",
                holders: &[("ana", Released(ByHand))],
                contested: false,
                state: IssueState::PrOpen,
            },
            Case {
                name: "a PR recorded for a claim lapsed at closing, taken meanwhile by another: both hold it",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "14 10:00", claim("bo")),
                    claim_event(3, "14 11:00", ClaimAction::PrOpened { attendee: Some("ana".into()) }),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "14 12:00",
                holders: &[("ana", PrOpen), ("bo", Active)],
                contested: true,
                state: IssueState::PrOpen,
            },
            Case {
                name: "a sign-out before the claim does not release it",
                claims: vec![claim_event(1, "13 13:00", claim("ana"))],
                presence: vec![signout(1, "ana", "13 12:00"), signin(2, "ana", "13 12:45")],
                issue_state: IssueState::Open,
                now: "13 14:00",
                holders: &[("ana", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "an undone release: the claim is held as before",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 10:30", ClaimAction::Release { attendee: "ana".into() }),
                    undo_of(2, "13 10:31"),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "an undone merge, then an undone PR: active again, the issue open",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 10:30", ClaimAction::PrOpened { attendee: Some("ana".into()) }),
                    claim_event(3, "13 10:40", ClaimAction::Merged),
                    undo_of(3, "13 10:41"),
                    undo_of(2, "13 10:42"),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "an undone merge leaves the PR open; the undo arriving first changes nothing",
                claims: vec![
                    undo_of(3, "13 10:41"),
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 10:30", ClaimAction::PrOpened { attendee: Some("ana".into()) }),
                    claim_event(3, "13 10:40", ClaimAction::Merged),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", PrOpen)],
                contested: false,
                state: IssueState::PrOpen,
            },
            Case {
                name: "an undone claim: no holder",
                claims: vec![claim_event(1, "13 10:00", claim("ana")), undo_of(1, "13 10:01"), undo_of(1, "13 10:02")],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "released at closing time",
                claims: vec![claim_event(1, "13 10:00", claim("ana"))],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 18:00",
                holders: &[("ana", Released(ClosingTime))],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "kept overnight: not released at closing, nor by the sign-out that day",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 17:40", ClaimAction::KeepOvernight { attendee: "ana".into() }),
                ],
                presence: vec![signout(1, "ana", "13 17:50")],
                issue_state: IssueState::Open,
                now: "15 11:00", // the 14th is a break day: kept until the 15th
                holders: &[("ana", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "kept overnight, then released at the next sprint day's closing",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 17:40", ClaimAction::KeepOvernight { attendee: "ana".into() }),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "15 18:00",
                holders: &[("ana", Released(ClosingTime))],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "kept overnight, then released by a sign-out the next sprint day",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 17:40", ClaimAction::KeepOvernight { attendee: "ana".into() }),
                ],
                presence: vec![signout(1, "ana", "13 17:50"), signout(2, "ana", "15 12:00")],
                issue_state: IssueState::Open,
                now: "15 13:00",
                holders: &[("ana", Released(SignedOut))],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "keeping after closing is too late: the claim was released",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 18:30", ClaimAction::KeepOvernight { attendee: "ana".into() }),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "15 11:00",
                holders: &[("ana", Released(ClosingTime))],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "keeping one person's claim keeps no one else's",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 10:05", claim("bo")),
                    claim_event(3, "13 17:40", ClaimAction::KeepOvernight { attendee: "bo".into() }),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "15 11:00",
                holders: &[("ana", Released(ClosingTime)), ("bo", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "claimed again the next day after the closing-time release",
                claims: vec![claim_event(1, "13 10:00", claim("ana")), claim_event(2, "15 10:00", claim("ana"))],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "15 11:00",
                holders: &[("ana", Released(ClosingTime)), ("ana", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "a PR-open claim survives sign-out and closing time",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 11:00", ClaimAction::PrOpened { attendee: Some("ana".into()) }),
                ],
                presence: vec![signout(1, "ana", "13 12:00")],
                issue_state: IssueState::Open,
                now: "15 10:00",
                holders: &[("ana", PrOpen)],
                contested: false,
                state: IssueState::PrOpen,
            },
            Case {
                name: "merged",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 11:00", ClaimAction::PrOpened { attendee: None }),
                    claim_event(3, "13 16:00", ClaimAction::Merged),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 17:00",
                holders: &[("ana", Merged)],
                contested: false,
                state: IssueState::Merged,
            },
            Case {
                name: "a claim made offline after the merge was recorded elsewhere is not credited with it",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 16:00", ClaimAction::Merged),
                    claim_event(3, "13 16:05", claim("maya")),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 17:00",
                holders: &[("ana", Merged), ("maya", Released(IssueClosed))],
                contested: false,
                state: IssueState::Merged,
            },
            Case {
                name: "two offline claims by different people are contested",
                claims: vec![claim_event(1, "13 10:00", claim("ana")), claim_event(2, "13 10:05", claim("bo"))],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Active), ("bo", Active)],
                contested: true,
                state: IssueState::Open,
            },
            Case {
                name: "the same person claiming twice is one claim, not a contest",
                claims: vec![claim_event(1, "13 10:00", claim("ana")), claim_event(2, "13 10:05", claim("ana"))],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "a lead resolves a contest for one person",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 10:05", claim("bo")),
                    claim_event(3, "13 10:30", ClaimAction::Resolve { keep: vec!["bo".into()] }),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Released(Resolved)), ("bo", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "two leads settle one contest at once, each for another: the first decision stands",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 10:05", claim("bo")),
                    claim_event(3, "13 10:30", ClaimAction::PrOpened { attendee: Some("bo".into()) }),
                    claim_event(4, "13 10:40", ClaimAction::Resolve { keep: vec!["bo".into()] }),
                    claim_event(5, "13 10:41", ClaimAction::Resolve { keep: vec!["ana".into()] }),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Released(Resolved)), ("bo", PrOpen)],
                contested: false,
                state: IssueState::PrOpen,
            },
            Case {
                name: "a lead pairs the two: both keep it, no longer contested",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 10:05", claim("bo")),
                    claim_event(3, "13 10:30", ClaimAction::Resolve { keep: vec!["ana".into(), "bo".into()] }),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Active), ("bo", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "a third claim after the pairing contests again",
                claims: vec![
                    claim_event(1, "13 10:00", claim("ana")),
                    claim_event(2, "13 10:05", claim("bo")),
                    claim_event(3, "13 10:30", ClaimAction::Resolve { keep: vec!["ana".into(), "bo".into()] }),
                    claim_event(4, "13 10:40", claim("cy")),
                ],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Active), ("bo", Active), ("cy", Active)],
                contested: true,
                state: IssueState::Open,
            },
            Case {
                name: "a contest ends when one side signs out",
                claims: vec![claim_event(1, "13 10:00", claim("ana")), claim_event(2, "13 10:05", claim("bo"))],
                presence: vec![signout(1, "bo", "13 10:20")],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Active), ("bo", Released(SignedOut))],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "an issue closed upstream releases its claims",
                claims: vec![claim_event(1, "13 10:00", claim("ana"))],
                presence: vec![],
                issue_state: IssueState::Closed,
                now: "13 11:00",
                holders: &[("ana", Released(IssueClosed))],
                contested: false,
                state: IssueState::Closed,
            },
            Case {
                name: "a door that knew of it stamps the sign-out after it, in this device's future: released",
                claims: vec![claim_event(1, "13 10:15", claim("ana"))],
                presence: vec![signin(1, "ana", "13 09:30"), signout(2, "ana", "13 10:16")],
                issue_state: IssueState::Open,
                now: "13 10:07",
                holders: &[("ana", Released(SignedOut))],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "but not by the sign-out that ended an earlier stay",
                claims: vec![claim_event(1, "13 10:15", claim("ana"))],
                presence: vec![
                    signin(1, "ana", "13 09:00"),
                    signout(2, "ana", "13 09:40"),
                    signin(3, "ana", "13 10:05"),
                ],
                issue_state: IssueState::Open,
                now: "13 10:30",
                holders: &[("ana", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "a claim a slow laptop stamped before its holder's return is kept by the sign-out before",
                claims: vec![claim_event(1, "13 12:40", claim("ana"))],
                presence: vec![
                    signin(1, "ana", "13 09:00"),
                    signout(2, "ana", "13 12:00"),
                    signin(3, "ana", "13 12:45"),
                ],
                issue_state: IssueState::Open,
                now: "13 13:30",
                holders: &[("ana", Active)],
                contested: false,
                state: IssueState::Open,
            },
            Case {
                name: "a claim from a device whose clock runs ahead still counts",
                claims: vec![claim_event(1, "13 11:02", claim("ana"))],
                presence: vec![],
                issue_state: IssueState::Open,
                now: "13 11:00",
                holders: &[("ana", Active)],
                contested: false,
                state: IssueState::Open,
            },
        ];
        for case in cases {
            let refs: Vec<&ClaimEvent> = case.claims.iter().collect();
            let claims = issue_claims(
                &sprint(),
                &issue(case.issue_state, false),
                &refs,
                &signed_out_in(&case.presence),
                &same,
                at(case.now),
            );
            let got: Vec<(String, ClaimState)> =
                claims.holders.iter().map(|h| (h.attendee.to_string(), h.state)).collect();
            let want: Vec<(String, ClaimState)> = case.holders.iter().map(|(w, s)| ((*w).to_owned(), *s)).collect();
            assert_eq!(got, want, "{}", case.name);
            assert_eq!(claims.contested, case.contested, "{}", case.name);
            assert_eq!(claims.state, case.state, "{}", case.name);
        }
    }

    #[test]
    fn claim_order_does_not_matter() {
        let a = claim_event(1, "13 10:00", claim("ana"));
        let b = claim_event(2, "13 10:05", claim("bo"));
        let r = claim_event(3, "13 10:30", ClaimAction::Resolve { keep: vec!["bo".into()] });
        let forward = issue_claims(
            &sprint(),
            &issue(IssueState::Open, false),
            &[&a, &b, &r],
            &signed_out_in(&[]),
            &same,
            at("13 11:00"),
        );
        let backward = issue_claims(
            &sprint(),
            &issue(IssueState::Open, false),
            &[&r, &b, &a],
            &signed_out_in(&[]),
            &same,
            at("13 11:00"),
        );
        assert_eq!(forward, backward);
    }

    fn person(id: &str, first_timer: bool, roles: &[Role]) -> Attendee {
        Attendee { id: id.into(), name: id.to_uppercase(), first_timer, roles: roles.to_vec(), ..Attendee::default() }
    }

    #[test]
    fn who_may_claim_cases() {
        let sprinter = person("ana", false, &[Role::Sprinter]);
        let newcomer = person("nia", true, &[Role::Sprinter]);
        let mentor = person("mo", false, &[Role::Mentor]);
        let lead = person("lee", false, &[Role::TableLead]);
        let other = person("bo", false, &[Role::Sprinter]);
        let free = |state| IssueClaims { holders: vec![], contested: false, state };
        let held_by = |who: &str| IssueClaims {
            holders: vec![ClaimHolder {
                attendee: who.into(),
                mentor: None,
                since: at("13 09:00"),
                state: ClaimState::Active,
                settled: false,
                kept_until: None,
                device: None,
            }],
            contested: false,
            state: IssueState::Open,
        };
        struct Case<'a> {
            name: &'a str,
            who: &'a Attendee,
            mentor: Option<&'a Attendee>,
            beginner: bool,
            claims: IssueClaims,
            open_elsewhere: usize,
            present: bool,
            mentor_present: bool,
            expect: Result<(), ClaimRefusal>,
        }
        let ok = |name, who, beginner| Case {
            name,
            who,
            mentor: None,
            beginner,
            claims: free(IssueState::Open),
            open_elsewhere: 0,
            present: true,
            mentor_present: true,
            expect: Ok(()),
        };
        let cases = vec![
            ok("a sprinter claims a free issue", &sprinter, false),
            Case { open_elsewhere: 3, ..ok("a sprinter may hold several issues", &sprinter, false) },
            Case {
                claims: free(IssueState::Merged),
                expect: Err(ClaimRefusal::IssueNotOpen("merged")),
                ..ok("a merged issue", &sprinter, false)
            },
            Case {
                claims: free(IssueState::PrOpen),
                expect: Err(ClaimRefusal::IssueNotOpen("waiting on its pull request")),
                ..ok("an issue with a PR", &sprinter, false)
            },
            Case {
                present: false,
                expect: Err(ClaimRefusal::NotSignedIn("ANA".into())),
                ..ok("not signed in", &sprinter, false)
            },
            Case {
                claims: held_by("ana"),
                expect: Err(ClaimRefusal::AlreadyHolds("ANA".into())),
                ..ok("claiming one's own issue again", &sprinter, false)
            },
            Case {
                claims: held_by("bo"),
                expect: Err(ClaimRefusal::HeldBy("BO".into())),
                ..ok("someone else holds it", &sprinter, false)
            },
            Case { mentor: Some(&mentor), ..ok("a first-timer with a mentor on a beginner issue", &newcomer, true) },
            Case { mentor: Some(&lead), ..ok("a table lead can mentor", &newcomer, true) },
            Case {
                mentor: Some(&mentor),
                open_elsewhere: 1,
                expect: Err(ClaimRefusal::FirstTimerLimit("NIA".into())),
                ..ok("a first-timer's second claim", &newcomer, true)
            },
            Case {
                mentor: Some(&mentor),
                expect: Err(ClaimRefusal::NotBeginnerFriendly("NIA".into())),
                ..ok("a first-timer on a non-beginner issue", &newcomer, false)
            },
            Case {
                expect: Err(ClaimRefusal::MentorRequired("NIA".into())),
                ..ok("a first-timer without a mentor", &newcomer, true)
            },
            Case {
                mentor: Some(&other),
                expect: Err(ClaimRefusal::NotAMentor("BO".into())),
                ..ok("a mentor who is not one", &newcomer, true)
            },
            Case {
                mentor: Some(&mentor),
                mentor_present: false,
                expect: Err(ClaimRefusal::MentorNotHere("MO".into())),
                ..ok("a mentor who is not here", &newcomer, true)
            },
            Case {
                mentor: Some(&mentor),
                who: &mentor,
                expect: Err(ClaimRefusal::MentorIsSelf("MO".into())),
                ..ok("mentoring oneself", &mentor, true)
            },
        ];
        for case in cases {
            let issue = issue(IssueState::Open, case.beginner);
            let holder_name = case.claims.open().next().map(|h| h.attendee.as_str().to_uppercase());
            let request = ClaimRequest {
                attendee: case.who,
                issue: &issue,
                mentor: case.mentor,
                claims: &case.claims,
                open_elsewhere: case.open_elsewhere,
                attendee_present: case.present,
                mentor_present: case.mentor_present,
                holder_name,
            };
            assert_eq!(check_claim(&request), case.expect, "{}", case.name);
        }
    }
}
