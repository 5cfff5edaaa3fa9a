//! The CLI and the TUI under faults: what a user sees while retries happen.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_generates_through_throttling_and_partial_batches() {
    for engine in engines().await {
        within(&engine, async {
            let config = FaultConfig::seeded(9)
                .with(Fault::ProvisionedThroughput, 0.1)
                .with(Fault::Throttling, 0.1)
                .with(Fault::Partial, 0.2)
                .on(&[BATCH_WRITE]);
            let proxy = FaultProxy::start(&engine.url, config)
                .await
                .expect("proxy starts");
            // The CLI creates the table itself, through the proxy (faults are on writes only).
            let table = table_name("cli");
            let out = tokio::process::Command::new(BIN)
                .args(["--endpoint", &proxy.url(), "--table", &table])
                .args(["generate", "--requests", "5", "--records", "200", "--json"])
                .scrub_aws()
                .kill_on_drop(true)
                .output()
                .await
                .expect("the binary runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success(),
                "{}: exit {}: {stderr}",
                engine.name,
                out.status
            );
            let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
                panic!(
                    "{}: stdout is not JSON ({e}): {}",
                    engine.name,
                    String::from_utf8_lossy(&out.stdout)
                )
            });
            let stats = proxy.stats();
            println!(
                "\n== CLI generate 5 x 200 on {} ==\n{}CLI JSON: {json}",
                engine.name,
                stats.matrix()
            );
            let field = |k: &str| json[k].as_u64().unwrap_or_else(|| panic!("{k} in {json}"));
            assert_eq!(field("items"), 1000, "{}", engine.name);
            assert!(field("retries") > 0, "{}", engine.name);
            assert_eq!(field("throttled"), stats.throttles(BATCH_WRITE));
            assert_eq!(field("retries"), stats.retryable_failures(BATCH_WRITE));
            assert_eq!(field("unprocessed_resent"), stats.items_unprocessed);
            assert!(stats.items_unprocessed > 0, "{}", engine.name);

            let direct = Store::new(local_client(&engine.url), &table, &engine.url).expect("valid");
            assert_eq!(keys_on_engine(&direct).await.len(), 1000, "{}", engine.name);
            let ids: Vec<RequestId> = json["request_ids"]
                .as_array()
                .expect("request_ids")
                .iter()
                .map(|v| RequestId::parse(v.as_str().expect("a string")).expect("an id"))
                .collect();
            assert_eq!(ids.len(), 5);
            for id in &ids {
                let n = records_on_engine(&direct, std::slice::from_ref(id))
                    .await
                    .len();
                assert_eq!(n, 200, "{}: records of {id}", engine.name);
            }
        })
        .await;
    }
}

/// The TUI's app and worker behind the proxy, driven the way the event loop drives them:
/// keys into `update`, its commands to the worker, the worker's events back into `update`.
pub(super) struct Ui {
    pub(super) app: App,
    worker: WorkerHandle,
}

impl Ui {
    pub(super) async fn start(store: Store) -> Ui {
        let table = store.describe().await.expect("describe");
        let mut ui = Ui {
            app: App::new(ConnInfo::new("proxy", false, &table), (120, 40)),
            worker: worker::spawn(store),
        };
        let first = ui.app.init();
        ui.send(first).await;
        ui
    }

    async fn send(&mut self, commands: Vec<Command>) {
        for command in commands.into_iter().filter_map(Command::into_worker) {
            self.worker
                .commands
                .send(command)
                .await
                .expect("worker alive");
        }
    }

    async fn press(&mut self, code: KeyCode) {
        let commands = driver::press(&mut self.app, code);
        self.send(commands).await;
    }

    async fn typed(&mut self, text: &str) {
        let commands = driver::typed(&mut self.app, text);
        self.send(commands).await;
    }

    /// Feeds worker events to the app until `done` holds.
    pub(super) async fn until(&mut self, what: &str, done: impl Fn(&App) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
        while !done(&self.app) {
            let event = tokio::time::timeout_at(deadline, self.worker.events.recv())
                .await
                .unwrap_or_else(|_| panic!("timed out waiting for {what}"))
                .expect("worker alive");
            let commands = self.app.update(Msg::Worker(Box::new(event)));
            self.send(commands).await;
        }
    }

    pub(super) fn screen(&self) -> String {
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        terminal.draw(|f| view::draw(f, &self.app)).expect("draws");
        let buffer = terminal.backend().buffer();
        (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Generate `requests` x `records` through the dialog.
    pub(super) async fn generate(&mut self, requests: u32, records: u32) {
        self.press(KeyCode::Char('g')).await;
        self.press(KeyCode::Backspace).await;
        self.typed(&requests.to_string()).await;
        self.press(KeyCode::Tab).await;
        self.press(KeyCode::Backspace).await;
        self.press(KeyCode::Backspace).await;
        self.typed(&records.to_string()).await;
        self.press(KeyCode::Enter).await;
        assert!(self.app.session.long_job.is_some(), "the generate started");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_tui_under_faults_shows_progress_logs_retries_and_shows_errors() {
    for engine in engines().await {
        within(&engine, async {
            // The dense storm (a 2,000-record write is 200-300 calls, too few for the usual
            // storm's rare faults to show up every run), and every BatchWriteItem slowed by
            // 20-40 ms: the generate takes a while, so its progress can be watched.
            let config =
                dense_storm(21).delay(1.0, Duration::from_millis(20), Duration::from_millis(40));
            let stormy = rig(&engine, "tui_storm", config, generous()).await;
            let mut ui = Ui::start(stormy.proxied.clone()).await;
            ui.until("the first scan", |a| !a.session.log.rows.is_empty())
                .await;

            ui.generate(4, 500).await;
            // While it runs, the dialog's gauge moves and shows the retries as they happen.
            ui.until("progress showing retries", |a| {
                a.session
                    .long_job
                    .as_ref()
                    .is_none_or(|j| j.progress.is_some_and(|p| p.retries > 0 && p.done > 0))
            })
            .await;
            assert!(
                ui.app.session.long_job.is_some(),
                "{}: progress with retries arrived while the generate ran",
                engine.name
            );
            let during = ui.screen();
            assert!(
                during.contains("retries") && during.contains("/ 2,000"),
                "{}: the gauge during the generate:\n{during}",
                engine.name
            );
            ui.until("the generate", |a| a.session.long_job.is_none())
                .await;

            let stats = stormy.proxy.stats();
            let row = ui.app.session.log.rows.last().expect("generate logged");
            assert_eq!(row.label, "generate 4×500", "{}", engine.name);
            assert_eq!(row.report.items, 2000, "{}", engine.name);
            assert_storm_happened(&engine, &stats);
            // The log's numbers are the proxy's: every throttle, partial batch and retry.
            assert_batch_report_matches(&engine, &row.report, &stats);
            let screen = ui.screen();
            let rut = format!(
                "{}/{}/{}",
                row.report.retries, row.report.unprocessed_resent, row.report.throttled
            );
            assert!(
                screen.contains("generate 4×500") && screen.contains(&rut),
                "{}: the log row shows retries/unprocessed/throttled {rut}:\n{screen}",
                engine.name
            );
            assert_eq!(
                keys_on_engine(&stormy.direct).await.len(),
                2000,
                "{}",
                engine.name
            );
            print_matrix(
                &engine,
                "TUI generate 4 x 500 under a storm",
                &stats,
                &row.report,
                &format!("log row r/u/t {rut}; table holds 2000"),
            );
            shutdown_ui(ui).await;

            // Nothing gets through: the error is on screen, and stays.
            let config = FaultConfig::seeded(22)
                .with(Fault::ProvisionedThroughput, 1.0)
                .on(&[BATCH_WRITE]);
            let failing = rig(&engine, "tui_fail", config, tight(2)).await;
            let mut ui = Ui::start(failing.proxied.clone()).await;
            ui.until("the first scan", |a| !a.session.log.rows.is_empty())
                .await;
            ui.generate(1, 30).await;
            ui.until("the failed generate", |a| a.session.long_job.is_none())
                .await;
            let Some(Status::Error(text)) = &ui.app.session.status else {
                panic!(
                    "{}: an error in the status line: {:?}",
                    engine.name, ui.app.session.status
                )
            };
            assert!(
                text.contains("0 of 30") && text.contains("ProvisionedThroughputExceeded"),
                "{}: {text}",
                engine.name
            );
            let screen = ui.screen();
            assert!(
                screen.contains("0 of 30"),
                "{}: on screen:\n{screen}",
                engine.name
            );
            ui.press(KeyCode::Char('j')).await;
            assert!(
                matches!(ui.app.session.status, Some(Status::Error(_))),
                "{}: moving does not hide the error",
                engine.name
            );
            assert!(keys_on_engine(&failing.direct).await.is_empty());
            shutdown_ui(ui).await;
        })
        .await;
    }
}

async fn shutdown_ui(ui: Ui) {
    ui.worker
        .commands
        .send(WorkerCommand::Shutdown)
        .await
        .expect("worker alive");
    tokio::time::timeout(Duration::from_secs(10), ui.worker.join)
        .await
        .expect("worker stops")
        .expect("worker did not panic");
}
