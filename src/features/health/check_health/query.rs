/// Probe every dependency.
#[derive(Debug)]
pub struct CheckHealth;

/// What each dependency answered.
#[derive(Debug)]
pub struct HealthReport {
    pub database_up: bool,
}

impl HealthReport {
    pub fn healthy(&self) -> bool {
        self.database_up
    }
}
