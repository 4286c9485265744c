//! Sync's promises, tested through its public API: devices converge whatever the delivery, nothing an
//! attendee did is lost, and what is not allowed in stays out.

mod convergence;
mod lan;
mod sessions;
mod support;
