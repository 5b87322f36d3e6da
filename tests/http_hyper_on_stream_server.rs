//! HTTP/1.1 through hyper on a `genlet::StreamServer` (the `http_hello`
//! and `crawl` demos): keep-alive, clients no one here wrote (Python's
//! `urllib.request` and `http.client`), malformed requests, and a stop that
//! closes idle keep-alive connections instead of waiting them out.

use std::io::{Read, Write};
use std::process::Command;
use std::time::Duration;

use genlet_workspace::demos::http;

/// Runs a Python program against the server at `port`; its stdout, or
/// `None` when there is no python3 here.
async fn python(program: &str, port: u16) -> Option<String> {
    let program = program.replace("PORT", &port.to_string());
    let out =
        genlet::spawn_blocking(move || Command::new("python3").arg("-c").arg(program).output())
            .await
            .expect("the blocking call ran");
    match out {
        Ok(out) => {
            assert!(
                out.status.success(),
                "python failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(e) => {
            eprintln!("python3 is not here ({e}): the foreign-client part is left out");
            None
        }
    }
}

#[test]
fn requests_share_one_keep_alive_connection() {
    genlet::run(async {
        let server = http::serve("127.0.0.1:0", http::hello).unwrap();
        let mut client = http::Client::connect(server.local_addr()).await.unwrap();
        for _ in 0..10 {
            assert_eq!(
                client.get("/").await.unwrap(),
                (200, "Hello, world!\n".to_owned())
            );
        }
        let (status, body) = client.get("/greenlet").await.unwrap();
        assert_eq!(status, 200);
        assert!(
            body.starts_with("served by greenlet 'http 127.0.0.1:"),
            "{body}"
        );
        assert_eq!(client.get("/nowhere").await.unwrap().0, 404);
        assert_eq!(server.connections(), 1);
        drop(client);
        assert_eq!(server.stop(Duration::from_secs(5)).await, 0);
    });
}

#[test]
fn python_urllib_and_http_client_fetch_from_it() {
    genlet::run(async {
        let server = http::serve("127.0.0.1:0", http::hello).unwrap();
        let port = server.local_addr().port();
        let urllib = "import urllib.request\n\
            for path in ['/', '/greenlet']:\n\
            \x20   r = urllib.request.urlopen('http://127.0.0.1:PORT' + path, timeout=30)\n\
            \x20   print(r.status, r.read().decode().strip())\n\
            try:\n\
            \x20   urllib.request.urlopen('http://127.0.0.1:PORT/missing', timeout=30)\n\
            except urllib.error.HTTPError as e:\n\
            \x20   print(e.code)\n";
        if let Some(out) = python(urllib, port).await {
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines[0], "200 Hello, world!");
            assert!(
                lines[1].starts_with("200 served by greenlet 'http "),
                "{out}"
            );
            assert_eq!(lines[2], "404");
            // A keep-alive client: three requests over one connection.
            let before = server.connections();
            let keep_alive = "import http.client\n\
                c = http.client.HTTPConnection('127.0.0.1', PORT, timeout=30)\n\
                for _ in range(3):\n\
                \x20   c.request('GET', '/')\n\
                \x20   r = c.getresponse()\n\
                \x20   print(r.status, r.read().decode().strip())\n";
            let out = python(keep_alive, port).await.unwrap();
            assert_eq!(
                out.lines().filter(|l| *l == "200 Hello, world!").count(),
                3,
                "{out}"
            );
            assert_eq!(server.connections(), before + 1);
        }
        server.stop(Duration::from_secs(5)).await;
    });
}

#[test]
fn malformed_requests_get_400_and_the_server_keeps_serving() {
    genlet::run(async {
        let server = http::serve("127.0.0.1:0", http::hello).unwrap();
        let addr = server.local_addr();
        let hostile: &[&[u8]] = &[
            b"garbage\r\n\r\n",
            b"GET / HTTP/9.9\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: nope\r\n\r\n",
            &[0xff; 64],
        ];
        for request in hostile {
            let request = request.to_vec();
            let reply = genlet::spawn_blocking(move || {
                let mut conn = std::net::TcpStream::connect(addr).unwrap();
                conn.set_read_timeout(Some(Duration::from_secs(30)))
                    .unwrap();
                conn.write_all(&request).unwrap();
                let mut reply = Vec::new();
                let _ = conn.read_to_end(&mut reply);
                String::from_utf8_lossy(&reply).into_owned()
            })
            .await
            .unwrap();
            assert!(
                reply.is_empty() || reply.starts_with("HTTP/1.1 4"),
                "{reply:?}"
            );
        }
        // A client that sends half a request and leaves.
        let mut half = genlet::net::TcpStream::connect(addr).await.unwrap();
        futures_lite::AsyncWriteExt::write_all(&mut half, b"GET / HT")
            .await
            .unwrap();
        drop(half);
        assert_eq!(http::get(addr, "/").await.unwrap().0, 200);
        server.stop(Duration::from_secs(5)).await;
    });
}

/// Idle keep-alive connections are closed when the server stops (none is
/// cut at the end of the grace period), on a one-worker hub and the default
/// one, over many rounds.
#[test]
fn stop_closes_idle_keep_alive_connections() {
    for hub in [
        genlet::reactor::Hub::builder().workers(1).build().unwrap(),
        genlet::reactor::Hub::builder().workers(2).build().unwrap(),
    ] {
        for round in 0..50 {
            hub.block_on(async {
                let server = http::serve("127.0.0.1:0", http::hello).unwrap();
                let mut clients = Vec::new();
                for _ in 0..4 {
                    let mut client = http::Client::connect(server.local_addr()).await.unwrap();
                    assert_eq!(client.get("/").await.unwrap().0, 200);
                    clients.push(client);
                }
                let cut = server.stop(Duration::from_secs(60)).await;
                assert_eq!(
                    cut, 0,
                    "round {round}: idle connections were cut, not closed"
                );
                for client in &mut clients {
                    assert!(client.get("/").await.is_err(), "round {round}: still open");
                }
            });
        }
    }
}
