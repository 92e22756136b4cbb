//! What zxcvbn costs per new password, as the service calls it (the account's username,
//! e-mail address and local part as user inputs): median and p99 over many runs of the
//! longest allowed password, 72 repeated characters and a typical passphrase.
//! `cargo bench --bench password_strength`; figures in BENCHMARKS.md.

use std::{
    hint::black_box,
    time::{Duration, Instant},
};

use accounts_api::domain::PasswordContext;

/// `cargo bench` passes `--bench`; `cargo test --all-targets` runs this as a smoke test of a
/// few runs (unoptimised: its times mean nothing).
fn runs() -> (usize, usize) {
    if std::env::args().any(|arg| arg == "--bench") {
        (2000, 100)
    } else {
        (5, 1)
    }
}

fn main() {
    let (iterations, warm_up) = runs();
    let context = PasswordContext::of("alice.smith", "alice.smith@example.com");
    let inputs = context.user_inputs();
    let longest = "Tr0ub4dor&3 correct-Horse batt3ry staple; 1987 qwerty Zebra!? mango_tea.";
    let repeated = "a".repeat(72);
    let cases = [
        ("72 bytes of varied text", longest),
        ("72 repeated characters", repeated.as_str()),
        ("16-character passphrase", "violet-anchor-42"),
    ];
    println!("{iterations} runs each (after {warm_up} to warm up)");
    for (name, password) in cases {
        assert!(password.len() <= 72, "{name}");
        for _ in 0..warm_up {
            black_box(zxcvbn::zxcvbn(black_box(password), &inputs));
        }
        let mut times: Vec<Duration> = (0..iterations)
            .map(|_| {
                let started = Instant::now();
                black_box(zxcvbn::zxcvbn(black_box(password), &inputs));
                started.elapsed()
            })
            .collect();
        times.sort_unstable();
        let median = times[iterations / 2];
        let p99 = times[iterations * 99 / 100];
        println!(
            "{name:<26} {:>3} bytes  median {:>9.3} ms  p99 {:>9.3} ms",
            password.len(),
            median.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
    }
}
