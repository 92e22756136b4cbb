use crate::infra::events::EventEnvelope;

/// Send the e-mail for one event.
#[derive(Debug)]
pub struct SendEmail {
    pub event: EventEnvelope,
}
