use crate::AttendeeId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A person at the sprint, as imported from the ticketing system or registered at the kiosk.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[ts(export)]
pub struct Attendee {
    pub id: AttendeeId,
    pub name: String,
    /// A GitHub or GitLab handle, without the `@`.
    pub handle: Option<String>,
    pub email: Option<String>,
    pub roles: Vec<Role>,
    pub first_timer: bool,
    pub planned_days: Vec<NaiveDate>,
    /// The ticket secret or printed QR value a scanner types at the kiosk.
    pub badge_code: Option<String>,
    /// The code-of-conduct version this person accepted, if any.
    pub coc_version: Option<u32>,
    pub photo_consent: Option<bool>,
    /// Set when this record was a duplicate of another person; events follow the survivor.
    pub merged_into: Option<AttendeeId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    Sprinter,
    TableLead,
    Mentor,
    Organizer,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Sprinter, Role::TableLead, Role::Mentor, Role::Organizer];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Sprinter => "sprinter",
            Role::TableLead => "table_lead",
            Role::Mentor => "mentor",
            Role::Organizer => "organizer",
        }
    }

    /// Reads a role the way people write it in a CSV: "table lead", "Table-Lead", "lead", "mentor", …
    pub fn parse(text: &str) -> Option<Role> {
        let key: String = text.trim().to_lowercase().chars().filter(|c| c.is_alphanumeric()).collect();
        match key.as_str() {
            "sprinter" | "attendee" | "contributor" => Some(Role::Sprinter),
            "tablelead" | "lead" | "projectlead" | "maintainer" => Some(Role::TableLead),
            "mentor" => Some(Role::Mentor),
            "organizer" | "organiser" | "staff" => Some(Role::Organizer),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str().replace('_', " "))
    }
}

/// Input that breaks a rule of the domain, said in the user's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    pub field: &'static str,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

impl Attendee {
    /// Trims the fields and checks them: a name, an email that looks like one, a handle without spaces.
    pub fn normalized(mut self) -> Result<Self, ValidationError> {
        self.name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        self.handle = clean(self.handle).map(|h| h.trim_start_matches('@').to_owned());
        self.email = clean(self.email);
        self.badge_code = clean(self.badge_code);
        if self.name.is_empty() {
            return Err(ValidationError::new("name", "the name is empty"));
        }
        if self.name.chars().count() > 200 {
            return Err(ValidationError::new("name", "the name is longer than 200 characters"));
        }
        if let Some(email) = &self.email {
            let valid = email.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
            }) && !email.contains(char::is_whitespace);
            if !valid {
                return Err(ValidationError::new("email", format!("\"{email}\" is not an email address")));
            }
        }
        if let Some(handle) = &self.handle
            && (handle.is_empty() || !handle.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(ValidationError::new(
                "handle",
                format!("\"{handle}\" is not a GitHub/GitLab handle (letters, digits, - _ . only)"),
            ));
        }
        self.roles.sort();
        self.roles.dedup();
        if self.roles.is_empty() {
            self.roles.push(Role::Sprinter);
        }
        self.planned_days.sort();
        self.planned_days.dedup();
        Ok(self)
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Can guide a first-time contributor.
    pub fn can_mentor(&self) -> bool {
        self.has_role(Role::Mentor) || self.has_role(Role::TableLead)
    }
}

fn clean(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attendee(name: &str, email: Option<&str>, handle: Option<&str>) -> Attendee {
        Attendee {
            name: name.into(),
            email: email.map(Into::into),
            handle: handle.map(Into::into),
            ..Attendee::default()
        }
    }

    #[test]
    fn normalization_cases() {
        /// (name, email, handle) in; (name, handle) or an error message out.
        type Case<'a> = (&'a str, Option<&'a str>, Option<&'a str>, Result<(&'a str, Option<&'a str>), &'a str>);
        let cases: &[Case] = &[
            ("  Łukasz   Langa ", None, Some("@ambv"), Ok(("Łukasz Langa", Some("ambv")))),
            ("Ada", Some(" ada@example.org "), None, Ok(("Ada", None))),
            ("   ", None, None, Err("the name is empty")),
            ("Ada", Some("ada.example.org"), None, Err("is not an email address")),
            ("Ada", Some("ada@localhost"), None, Err("is not an email address")),
            ("Ada", None, Some("ada lovelace"), Err("is not a GitHub/GitLab handle")),
            ("Ada", None, Some("  "), Ok(("Ada", None))),
        ];
        for (name, email, handle, expected) in cases {
            let result = attendee(name, *email, *handle).normalized();
            match (result, expected) {
                (Ok(a), Ok((name, handle))) => {
                    assert_eq!(a.name, *name);
                    assert_eq!(a.handle.as_deref(), *handle);
                    assert_eq!(a.roles, vec![Role::Sprinter], "default role");
                }
                (Err(e), Err(message)) => assert!(e.message.contains(message), "{name}: {e}"),
                (got, want) => panic!("{name}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn roles_are_read_the_way_people_write_them() {
        for (text, role) in [
            ("Table Lead", Some(Role::TableLead)),
            ("table-lead", Some(Role::TableLead)),
            ("MENTOR", Some(Role::Mentor)),
            ("organiser", Some(Role::Organizer)),
            ("sprinter", Some(Role::Sprinter)),
            ("wizard", None),
        ] {
            assert_eq!(Role::parse(text), role, "{text}");
        }
    }
}
