//! The estimate as a whole: the bills of the modes asked for, and the comparisons a user
//! wants from them: on-demand against provisioned (with the break-even utilization), TTL
//! against explicit deletes, eventual against strong reads, and each input +10%.

use super::inputs::{CostInputs, Deletes};
use super::model::{Bill, Mode, Usage};
use super::prices::Prices;
use super::scenario::{Knob, Scenario};

/// Everything `cost` prints, computed from the inputs and prices alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// The month's usage in units, items and GB.
    pub usage: Usage,
    /// The on-demand bill, if asked for.
    pub on_demand: Option<Bill>,
    /// The provisioned bill, if asked for.
    pub provisioned: Option<Bill>,
    /// The comparisons.
    pub comparisons: Comparisons,
    /// Each input +10%, largest change first.
    pub sensitivity: Sensitivity,
}

/// A dollar amount per mode.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerMode {
    /// On-demand.
    pub on_demand: f64,
    /// Provisioned.
    pub provisioned: f64,
}

impl PerMode {
    /// The amount of `mode`.
    pub fn of(&self, mode: Mode) -> f64 {
        match mode {
            Mode::OnDemand => self.on_demand,
            Mode::Provisioned => self.provisioned,
        }
    }
}

/// What the choices are worth, per month, in both modes whichever were asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparisons {
    /// The total of each mode.
    pub totals: PerMode,
    /// The cheaper mode.
    pub cheaper: Mode,
    /// The auto scaling target at and above which provisioned costs no more than on-demand
    /// (with this peak ratio); `None` when it costs more even at 100%.
    pub break_even_utilization: Option<f64>,
    /// Explicit deletes' total minus TTL's: what TTL saves.
    pub ttl_saving: PerMode,
    /// Strong read-backs' total minus eventual ones'.
    pub strong_extra: PerMode,
}

/// Each input +10% and what it does to the total of `basis`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// The mode whose total moves: the cheaper of those asked for.
    pub basis: Mode,
    /// That total before any change.
    pub base_total: f64,
    /// Largest change (by size) first.
    pub items: Vec<SensitivityItem>,
}

/// One input raised by 10%.
#[derive(Debug, Clone, PartialEq)]
pub struct SensitivityItem {
    /// The flag's name, e.g. `record-bytes`.
    pub input: &'static str,
    /// New total minus old, USD per month.
    pub total_change: f64,
    /// Set when a limit kept the input from rising the full 10%.
    pub note: Option<&'static str>,
}

impl Sensitivity {
    /// The input that moves the total most, if any moves it at all.
    pub fn most(&self) -> Option<&SensitivityItem> {
        self.items.first().filter(|i| i.total_change != 0.0)
    }
}

/// Both bills of a scenario.
fn bills(s: &Scenario, prices: &Prices) -> (Usage, Bill, Bill) {
    let u = s.usage();
    let od = s.on_demand(&u, prices);
    let pr = s.provisioned(&u, prices);
    (u, od, pr)
}

fn totals(s: &Scenario, prices: &Prices) -> PerMode {
    let (_, od, pr) = bills(s, prices);
    PerMode {
        on_demand: od.total_usd,
        provisioned: pr.total_usd,
    }
}

/// Prices `inputs`. No I/O; call [`CostInputs::validate`] first (invalid inputs give
/// meaningless numbers, never a panic).
pub fn estimate(inputs: &CostInputs, prices: &Prices) -> Estimate {
    let s = Scenario::from_inputs(inputs);
    let (usage, od, pr) = bills(&s, prices);
    let base = PerMode {
        on_demand: od.total_usd,
        provisioned: pr.total_usd,
    };
    let cheaper = if pr.total_usd < od.total_usd {
        Mode::Provisioned
    } else {
        Mode::OnDemand
    };
    let with = |f: &dyn Fn(&mut Scenario)| {
        let mut t = s.clone();
        f(&mut t);
        totals(&t, prices)
    };
    let ttl = with(&|t| t.deletes = Deletes::Ttl);
    let explicit = with(&|t| t.deletes = Deletes::Explicit);
    let eventual = with(&|t| t.consistent = false);
    let strong = with(&|t| t.consistent = true);
    let comparisons = Comparisons {
        totals: base,
        cheaper,
        break_even_utilization: break_even(&s, &usage, od.total_usd, prices),
        ttl_saving: PerMode {
            on_demand: explicit.on_demand - ttl.on_demand,
            provisioned: explicit.provisioned - ttl.provisioned,
        },
        strong_extra: PerMode {
            on_demand: strong.on_demand - eventual.on_demand,
            provisioned: strong.provisioned - eventual.provisioned,
        },
    };
    let basis = match (inputs.capacity.on_demand(), inputs.capacity.provisioned()) {
        (true, true) => cheaper,
        (true, false) => Mode::OnDemand,
        _ => Mode::Provisioned,
    };
    let sensitivity = sensitivity(&s, basis, base.of(basis), prices);
    Estimate {
        usage,
        on_demand: inputs.capacity.on_demand().then_some(od),
        provisioned: inputs.capacity.provisioned().then_some(pr),
        comparisons,
        sensitivity,
    }
}

/// The least utilization at which provisioned costs no more than `on_demand_total`. The
/// provisioned total only falls as utilization rises (fewer units), so a bisection finds it,
/// whole-unit rounding included.
fn break_even(s: &Scenario, u: &Usage, on_demand_total: f64, prices: &Prices) -> Option<f64> {
    let at = |utilization: f64| {
        let mut t = s.clone();
        t.utilization = utilization;
        t.provisioned(u, prices).total_usd
    };
    if at(1.0) > on_demand_total {
        return None;
    }
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if at(mid) <= on_demand_total {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

fn sensitivity(s: &Scenario, basis: Mode, base_total: f64, prices: &Prices) -> Sensitivity {
    let mut items: Vec<SensitivityItem> = Knob::ALL
        .iter()
        .filter(|k| basis == Mode::Provisioned || !k.provisioned_only())
        .map(|&k| {
            let (raised, note) = k.raise(s);
            SensitivityItem {
                input: k.name(),
                total_change: totals(&raised, prices).of(basis) - base_total,
                note,
            }
        })
        .collect();
    // By size, to a millionth of a dollar: inputs that move the total alike (requests and
    // records per request, often) keep the list's order instead of floating-point noise's.
    let size = |i: &SensitivityItem| (i.total_change.abs() * 1e6).round();
    items.sort_by(|a, b| size(b).total_cmp(&size(a)));
    Sensitivity {
        basis,
        base_total,
        items,
    }
}
