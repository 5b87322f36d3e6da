//! `genlet::current()` names the running greenlet inside one spawned by
//! `spawn`, by a `Pool`, by a server; it is `None` outside any greenlet.

use std::time::Duration;

use futures_lite::{AsyncReadExt, AsyncWriteExt};

fn name_here() -> Option<String> {
    genlet::current().map(|c| c.name().to_owned())
}

#[test]
fn current_inside_spawn_pool_and_server_handlers() {
    assert_eq!(name_here(), None);
    genlet::run(async {
        assert_eq!(name_here(), None);
        let spawned = genlet::task().name("spawned").spawn(async { name_here() });
        assert_eq!(spawned.await.unwrap().as_deref(), Some("spawned"));
        let anonymous = genlet::spawn(async { name_here() }).await.unwrap().unwrap();
        assert!(anonymous.starts_with("greenlet-"), "{anonymous}");

        let pool = genlet::Pool::new(1);
        let member = pool
            .handle()
            .spawn_with(genlet::task().name("member"), async { name_here() })
            .await;
        assert_eq!(member.await.unwrap().as_deref(), Some("member"));

        let (tx, rx) = async_channel::bounded(1);
        let server = genlet::StreamServer::builder()
            .name("srv")
            .bind("127.0.0.1:0", move |mut conn, _peer| {
                let tx = tx.clone();
                async move {
                    let _ = tx.send(name_here()).await;
                    let _ = conn.write_all(b"x").await;
                }
            })
            .unwrap();
        let mut client = genlet::net::TcpStream::connect(server.local_addr())
            .await
            .unwrap();
        let mut byte = [0; 1];
        client.read_exact(&mut byte).await.unwrap();
        let expected = format!("srv {}", client.local_addr().unwrap());
        assert_eq!(rx.recv().await.unwrap(), Some(expected));
        server.stop(Duration::from_secs(5)).await;

        // Nested: a greenlet spawned inside another is current in its own
        // body, and the outer one again after.
        let outer = genlet::task().name("outer").spawn(async {
            let inner = genlet::task().name("inner").spawn(async { name_here() });
            let inner = inner.await.unwrap();
            (inner, name_here())
        });
        let (inner, after) = outer.await.unwrap();
        assert_eq!(
            (inner.as_deref(), after.as_deref()),
            (Some("inner"), Some("outer"))
        );
    });
}
