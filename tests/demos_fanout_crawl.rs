//! The fan-out and crawl demos over real local sockets: every lookup and
//! page arrives, and a failing lookup surfaces at its join with its name.

use std::time::Duration;

use genlet_workspace::demos::{crawl, fanout};

#[test]
fn fanout_prints_every_lookup_and_names_the_failed_one() {
    let mut out = Vec::new();
    fanout::run(&mut out, Some(3), false).unwrap();
    let out = String::from_utf8(out).unwrap();
    for (name, _) in fanout::LOOKUPS {
        assert!(
            out.contains(&format!("  {name}")),
            "{name} missing from:\n{out}"
        );
    }
    assert!(
        out.contains("  feed: FAILED at join: feed store unavailable"),
        "{out}"
    );
    assert_eq!(out.matches("FAILED").count(), 1, "{out}");
}

#[test]
fn crawl_fetches_every_page_with_its_length() {
    let mut out = Vec::new();
    crawl::run(&mut out, 8, 3, Duration::from_millis(1), false).unwrap();
    let out = String::from_utf8(out).unwrap();
    for n in 0..8 {
        let line = format!("/page/{n}: {} bytes", crawl::page_len(n));
        assert!(out.contains(&line), "{line} missing from:\n{out}");
    }
    let total: usize = (0..8).map(crawl::page_len).sum();
    assert!(out.contains(&format!("{total} bytes in ")), "{out}");
}

#[test]
fn the_http_server_refuses_malformed_requests_and_keeps_serving() {
    genlet::run(async {
        let server = crawl::start_server(Duration::ZERO).unwrap();
        let addr = server.local_addr();
        let err = crawl::fetch(addr, "/nowhere").await.unwrap_err();
        assert!(err.to_string().contains("404"), "{err}");
        let err = crawl::fetch(addr, "/page/x").await.unwrap_err();
        assert!(err.to_string().contains("404"), "{err}");
        assert_eq!(
            crawl::fetch(addr, "/page/2").await.unwrap(),
            crawl::page_len(2)
        );
        server.stop(Duration::from_secs(1)).await;
    });
}
