//! The seed 000 and 004 demos, small: the matrix sums match the post's, and
//! the convoy and ccbench experiments complete over real sockets and pools.

use std::time::Duration;

use genlet_workspace::demos::{ccbench, iotest, matrix};

#[test]
fn matrix_sums_match_the_post_every_way() {
    let hub = genlet_reactor::Hub::builder().workers(0).build().unwrap();
    for (n, post) in [
        (10u64, 285u128),
        (100, 328_350),
        (1000, 332_833_500),
        (100_000, 333_328_333_350_000),
    ] {
        assert_eq!(matrix::expected(n), post);
        assert_eq!(matrix::by_loop(n), post);
        assert_eq!(matrix::by_generators(n), post);
        assert_eq!(matrix::by_tasks(&hub, n), post);
    }
    // No overflow at ten million (the sum needs more than 64 bits).
    assert_eq!(matrix::expected(10_000_000), 333_333_283_333_335_000_000);
}

#[test]
fn the_echo_server_echoes_beside_spinners_in_every_mode() {
    for mode in iotest::Mode::ALL {
        let server = iotest::Server::start(0, 2, mode).unwrap();
        let took = iotest::echo_client(server.addr(), 10 * iotest::CHUNK).unwrap();
        assert!(took > Duration::ZERO);
    }
    let mut out = Vec::new();
    iotest::run(
        &mut out,
        &[0, 1],
        &[iotest::Mode::Inline],
        2 * iotest::CHUNK,
        true,
    )
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(
        out.lines().all(|l| l.contains("\"cpu\":\"inline\"")),
        "{out}"
    );
}

#[test]
fn ccbench_measures_every_kind_and_the_ping() {
    for kind in 0..ccbench::KINDS.len() {
        assert!(ccbench::throughput(kind, 2, Duration::from_millis(20)).unwrap() > 0.0);
    }
    for mode in iotest::Mode::ALL {
        let (mean, std) = ccbench::latency(1, mode, Duration::from_millis(30)).unwrap();
        assert!(
            mean.is_finite() && mean >= 0.0 && std >= 0.0,
            "{mode}: {mean} {std}"
        );
    }
}

#[test]
fn modes_parse_from_their_names_and_refuse_others() {
    for mode in iotest::Mode::ALL {
        assert_eq!(mode.to_string().parse::<iotest::Mode>().unwrap(), mode);
    }
    assert!(
        "fast"
            .parse::<iotest::Mode>()
            .unwrap_err()
            .contains("inline, priority or offload")
    );
}
