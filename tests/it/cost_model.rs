//! The cost model against arithmetic done by hand: one case per line of the bill (writes,
//! reads, deletes, storage, gsi, pitr, in both capacity modes), the comparisons and the
//! sensitivity list. Each case writes its arithmetic out; the figures are typed from that
//! arithmetic, not from the model.
//!
//! The prices are this file's own (the us-east-1 figures of 2026-12-01), so that a newer
//! prices/us-east-1.toml does not change what these cases check.

use dynamo_explorer::cost::{
    CapacityChoice, CostInputs, Deletes, Format, Gsi, LineKind, Mode, Prices, RecordsPerRequest,
    SizeSource, TableClass, estimate,
};

const PRICES: &str = r#"
region = "test"
date = "2026-12-01"
free_storage_gb = { value = 25 }
pitr_gb_month = { usd = 0.20 }
[standard]
write_request_units_per_million = { usd = 0.625 }
read_request_units_per_million = { usd = 0.125 }
wcu_hour = { usd = 0.00065 }
rcu_hour = { usd = 0.00013 }
storage_gb_month = { usd = 0.25 }
[standard_ia]
write_request_units_per_million = { usd = 0.78 }
read_request_units_per_million = { usd = 0.155 }
wcu_hour = { usd = 0.00081 }
rcu_hour = { usd = 0.00016 }
storage_gb_month = { usd = 0.10 }
"#;

fn prices() -> Prices {
    Prices::parse(PRICES, Format::Toml).expect("test prices parse")
}

/// `requests` a day of one 350-byte record each, nothing read back, 30 days, TTL.
fn inputs(requests: f64) -> CostInputs {
    let mut i = CostInputs::with_defaults(requests, 350.0, 76.0, SizeSource::Flag);
    i.reads_per_day = 0.0;
    i.validate().expect("valid");
    i
}

fn close(actual: f64, expected: f64, what: &str) {
    let tolerance = 1e-9 * expected.abs().max(1e-6);
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: model {actual}, by hand {expected}"
    );
}

/// The bill line of `kind` in `mode` is `expected` dollars.
fn check(i: &CostInputs, mode: Mode, kind: LineKind, expected: f64, what: &str) {
    close(line(i, mode, kind), expected, what);
}

fn line(i: &CostInputs, mode: Mode, kind: LineKind) -> f64 {
    let e = estimate(i, &prices());
    let bill = match mode {
        Mode::OnDemand => e.on_demand,
        Mode::Provisioned => e.provisioned,
    }
    .expect("both modes by default");
    bill.line(kind).usd_per_month
}

#[test]
fn writes_on_demand() {
    // 1,000,000 requests/day x 1 record x ceil(350 / 1024) = 1 WRU x 730/24 = 30.416667 days
    //   = 30,416,666.67 WRU a month x $0.625 / 1,000,000 = $19.0104166...
    let i = inputs(1_000_000.0);
    check(
        &i,
        Mode::OnDemand,
        LineKind::Writes,
        19.010416666666668,
        "writes",
    );
    let e = estimate(&i, &prices());
    close(e.usage.write_units, 30_416_666.666666668, "write units");

    // A record of 1,025 bytes takes 2 WRU: 1,000 requests/day x 3 records x 2 WRU x 30.416667
    //   = 182,500 WRU x $0.625 / 1,000,000 = $0.1140625.
    let mut i = inputs(1_000.0);
    i.records = RecordsPerRequest::Fixed(3.0);
    i.record_bytes = 1025.0;
    check(
        &i,
        Mode::OnDemand,
        LineKind::Writes,
        0.1140625,
        "2-WRU records",
    );
}

#[test]
fn reads_on_demand_page_by_page() {
    // 10,000 read-backs/day of a 1,000-record request of 1,500 B = 1,500,000 B:
    //   page 1 holds 1,048,576 B = 256 units; page 2 the other 451,424 B = ceil(110.21) = 111;
    //   367 units strong, 183.5 eventual.
    //   10,000 x 183.5 x 30.416667 = 55,814,583.33 RRU x $0.125 / 1,000,000 = $6.9768229...
    let mut i = inputs(1_000.0);
    i.records = RecordsPerRequest::Fixed(1000.0);
    i.record_bytes = 1500.0;
    i.reads_per_day = 10_000.0;
    check(
        &i,
        Mode::OnDemand,
        LineKind::Reads,
        6.976822916666666,
        "eventual",
    );
    let e = estimate(&i, &prices());
    close(
        e.usage.read_units_per_read_back,
        183.5,
        "units per read-back",
    );
    close(e.usage.pages_per_read_back, 2.0, "pages");
    // Strong: twice the units, twice the dollars.
    i.consistent = true;
    check(
        &i,
        Mode::OnDemand,
        LineKind::Reads,
        2.0 * 6.976822916666666,
        "strong",
    );
}

#[test]
fn deletes_ttl_free_explicit_as_dear_as_writes() {
    // TTL: $0. Explicit: one delete per record at the put's 2 WRU, the same 182,500 WRU as
    // the writes above: $0.1140625.
    let mut i = inputs(1_000.0);
    i.records = RecordsPerRequest::Fixed(3.0);
    i.record_bytes = 1025.0;
    assert_eq!(line(&i, Mode::OnDemand, LineKind::Deletes), 0.0);
    i.deletes = Deletes::Explicit;
    check(&i, Mode::OnDemand, LineKind::Deletes, 0.1140625, "explicit");
}

#[test]
fn storage_with_overhead_and_free_tier() {
    // 10,000,000 records/day x 30 days = 300,000,000 items x (350 + 100) B
    //   = 135,000,000,000 B / 2^30 = 125.7285476 GB x $0.25 = $31.4321369.
    let mut i = inputs(10_000_000.0);
    check(
        &i,
        Mode::OnDemand,
        LineKind::Storage,
        31.4321368932724,
        "storage",
    );
    // The same in provisioned mode: storage does not depend on the capacity mode.
    check(
        &i,
        Mode::Provisioned,
        LineKind::Storage,
        31.4321368932724,
        "provisioned",
    );
    // Free tier: (125.7285476 - 25) GB x $0.25 = $25.1821369.
    i.free_tier = true;
    check(
        &i,
        Mode::OnDemand,
        LineKind::Storage,
        25.1821368932724,
        "free tier",
    );
    // Standard-IA has no free storage: 125.7285476 GB x $0.10 = $12.5728548.
    i.table_class = TableClass::StandardIa;
    check(
        &i,
        Mode::OnDemand,
        LineKind::Storage,
        12.57285475730896,
        "IA",
    );
}

#[test]
fn gsi_keys_only_and_all() {
    // Keys-only, TTL: 1,000,000 records/day x ceil(76 / 1024) = 1 WRU x 30.416667
    //   = 30,416,666.67 WRU x $0.625 / 1,000,000 = $19.0104167;
    //   storage 30,000,000 entries x (76 + 100) B = 5,280,000,000 B / 2^30 = 4.9173832 GB
    //   x $0.25 = $1.2293458; in all $20.2397625.
    let mut i = inputs(1_000_000.0);
    i.gsi = Gsi::KeysOnly;
    check(
        &i,
        Mode::OnDemand,
        LineKind::Gsi,
        20.2397624651591,
        "keys-only",
    );
    // All, explicit deletes: each entry is the 350-byte item (1 WRU), written and deleted:
    //   2 x 30,416,666.67 WRU x $0.625 / 1,000,000 = $38.0208333; storage 30,000,000 x 450 B
    //   = 13,500,000,000 B / 2^30 = 12.5728548 GB x $0.25 = $3.1432137; in all $41.1640470.
    i.gsi = Gsi::All;
    i.deletes = Deletes::Explicit;
    check(
        &i,
        Mode::OnDemand,
        LineKind::Gsi,
        38.020833333333336 + 3.14321368932724,
        "all",
    );
    assert_eq!(line(&inputs(1e6), Mode::OnDemand, LineKind::Gsi), 0.0);
}

#[test]
fn pitr_on_table_size() {
    // 125.7285476 GB (the storage case) x $0.20 = $25.1457095; off: $0.
    let mut i = inputs(10_000_000.0);
    assert_eq!(line(&i, Mode::OnDemand, LineKind::Pitr), 0.0);
    i.pitr = true;
    check(
        &i,
        Mode::OnDemand,
        LineKind::Pitr,
        25.14570951461792,
        "pitr",
    );
    check(
        &i,
        Mode::Provisioned,
        LineKind::Pitr,
        25.14570951461792,
        "pitr",
    );
}

#[test]
fn provisioned_lines_round_up_peak_over_utilization() {
    // Writes: 30,416,666.67 WRU / 2,628,000 s = 11.5740741/s x 2 / 0.7 = 33.07 -> 34 WCU
    //   x $0.00065 x 730 h = $16.133.
    let mut i = inputs(1_000_000.0);
    check(&i, Mode::Provisioned, LineKind::Writes, 16.133, "writes");
    // Reads: none read back, still 1 RCU (a table's least) x $0.00013 x 730 = $0.0949.
    check(&i, Mode::Provisioned, LineKind::Reads, 0.0949, "least RCU");
    // Explicit deletes: writes and deletes 23.1481481/s x 2 / 0.7 = 66.14 -> 67 WCU, 33 more
    //   than the writes' 34: 33 x $0.00065 x 730 = $15.6585.
    i.deletes = Deletes::Explicit;
    check(&i, Mode::Provisioned, LineKind::Deletes, 15.6585, "deletes");
    let e = estimate(&i, &prices());
    assert_eq!(e.provisioned.as_ref().unwrap().provisioned_wcu, 67.0);
    // Reads of the read-back case: 55,814,583.33 RU / 2,628,000 s = 21.2384259/s x 2 / 0.7
    //   = 60.68 -> 61 RCU x $0.00013 x 730 = $5.7889.
    let mut r = inputs(1_000.0);
    r.records = RecordsPerRequest::Fixed(1000.0);
    r.record_bytes = 1500.0;
    r.reads_per_day = 10_000.0;
    check(&r, Mode::Provisioned, LineKind::Reads, 5.7889, "reads");
    // Keys-only index, TTL: 11.5740741/s x 2 / 0.7 -> 34 WCU x $0.00065 x 730 = $16.133, plus
    //   1 RCU = $0.0949, plus its storage $1.2293458 = $17.4572458.
    let mut g = inputs(1_000_000.0);
    g.gsi = Gsi::KeysOnly;
    check(
        &g,
        Mode::Provisioned,
        LineKind::Gsi,
        16.133 + 0.0949 + 1.2293457984924316,
        "index",
    );
}

#[test]
fn comparisons_break_even_ttl_and_consistency() {
    // Writes only (storage is the same in both modes): on-demand $19.0104167 + storage;
    // provisioned ceil(23.1481481 / u) x $0.4745 + 1 RCU $0.0949 + storage. Provisioned is no
    // dearer while ceil(23.1481481 / u) <= (19.0104167 - 0.0949) / 0.4745 = 39.86, i.e. 39
    // WCU: u >= 23.1481481 / 39 = 0.5935423.
    let i = inputs(1_000_000.0);
    let e = estimate(&i, &prices());
    let be = e
        .comparisons
        .break_even_utilization
        .expect("provisioned can be cheaper");
    assert!((be - 0.593_542_260).abs() < 1e-6, "break-even {be}");
    // At the default 0.7: 34 WCU, $16.133 + $0.0949 < $19.0104: provisioned is cheaper.
    assert_eq!(e.comparisons.cheaper, Mode::Provisioned);
    // TTL saves what explicit deletes would cost: $19.0104167 on-demand, $15.6585 provisioned.
    close(
        e.comparisons.ttl_saving.on_demand,
        19.010416666666668,
        "ttl od",
    );
    close(e.comparisons.ttl_saving.provisioned, 15.6585, "ttl prov");
    // No read-backs: consistency changes nothing.
    assert_eq!(e.comparisons.strong_extra.on_demand, 0.0);
    // A peak of 10x the average: at u = 1, 116 WCU x $0.4745 = $55.04 > $19.01: no break-even.
    let mut spiky = inputs(1_000_000.0);
    spiky.peak_ratio = 10.0;
    assert_eq!(
        estimate(&spiky, &prices())
            .comparisons
            .break_even_utilization,
        None
    );
}

#[test]
fn sensitivity_finds_the_knob_that_matters_most() {
    // 1,000-byte records, on-demand only: +10% is 1,100 B, 2 WRU instead of 1, so writes go
    // from $19.0104167 to $38.0208333 (+$19.0104167) and storage from 30,000,000 x 1,100 B to
    // 30,000,000 x 1,200 B: +3,000,000,000 B / 2^30 = 2.7939677 GB x $0.25 = +$0.6984919.
    // In all +$19.7089086. Requests +10% moves writes and storage by 10%: +$1.9010417 +
    // 10% of (30,000,000 x 1,100 / 2^30 x $0.25 = $7.6834112) = +$2.6693828.
    let mut i = inputs(1_000_000.0);
    i.record_bytes = 1000.0;
    i.capacity = CapacityChoice::OnDemand;
    let e = estimate(&i, &prices());
    assert_eq!(e.sensitivity.basis, Mode::OnDemand);
    let most = e.sensitivity.most().expect("something moves");
    assert_eq!(most.input, "record-bytes");
    close(
        most.total_change,
        19.010416666666668 + 0.6984919309616089,
        "record-bytes",
    );
    let requests = e
        .sensitivity
        .items
        .iter()
        .find(|s| s.input == "requests-per-day")
        .unwrap();
    close(requests.total_change, 2.6693827907244367, "requests");
    // On-demand only: peak ratio and utilization are not listed.
    assert!(e.sensitivity.items.iter().all(|s| s.input != "utilization"));
    assert!(e.provisioned.is_none());
}

#[test]
fn realistic_mix_reads_back_by_its_distribution() {
    // The realistic mix: a read-back's units are the expectation over the record counts,
    // each count's Query rounded per page: 0.98 x ceil(350 / 4096) = 0.98 units for the
    // one-record requests, plus the heavy ones' share. Strong is exactly twice eventual.
    let mut i = inputs(1_000_000.0);
    i.records = RecordsPerRequest::Realistic;
    i.reads_per_day = 1.0;
    let eventual = estimate(&i, &prices()).usage.read_units_per_read_back;
    i.consistent = true;
    let strong = estimate(&i, &prices()).usage.read_units_per_read_back;
    close(strong, 2.0 * eventual, "strong = 2 x eventual");
    // At least the one-record requests' 0.98 x 1 (strong) plus 2% of the smallest heavy
    // request's ceil(100 x 350 / 4096) = 9 units; at most that plus 2% of the largest's
    // 256 + ceil((1,750,000 - 1,048,576) / 4096) = 256 + 172 = 428.
    assert!(
        strong > 0.98 + 0.02 * 9.0 && strong < 0.98 + 0.02 * 428.0,
        "{strong}"
    );
}
