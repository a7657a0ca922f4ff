//! `fanout.svg`: the report's headline columns as horizontal bar charts, one panel per
//! (scenario, metric), ours in blue, peers in orange, the baseline in grey.

use std::path::Path;

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

use super::fanout::{Kind, Run};
use super::metrics::{self as m, Better, Metric};
use super::report::{CPU, DELIVERIES, P99, PER_CONNECTION};

/// One panel: a title and one bar per implementation.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub bars: Vec<Bar>,
}

/// One implementation's value.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub kind: Kind,
    pub value: f64,
}

/// Which (scenario, metric) pairs are drawn.
const PANELS: &[(&str, Metric)] = &[
    ("many-clients", DELIVERIES),
    ("many-clients", CPU),
    ("few-clients", DELIVERIES),
    ("large-events", DELIVERIES),
    ("idle", PER_CONNECTION),
    ("latency", P99),
];

/// The panels for these runs (ours first, then peers, then the baseline), skipping
/// those with nothing measured.
pub fn panels(runs: &[Run]) -> Vec<Panel> {
    PANELS
        .iter()
        .filter_map(|(scenario, metric)| {
            let mut bars: Vec<Bar> = runs
                .iter()
                .filter(|r| r.scenario == *scenario)
                .filter_map(|r| {
                    let value = (metric.value)(r.outcome.as_ref().ok()?)?;
                    Some(Bar {
                        label: r.implementation.label.clone(),
                        kind: r.implementation.kind,
                        value,
                    })
                })
                .collect();
            bars.sort_by_key(|b| b.kind.order());
            let better = match metric.compare {
                Some(Better::Lower) => "lower is better",
                _ => "higher is better",
            };
            (!bars.is_empty()).then(|| Panel {
                title: format!("{scenario}: {} ({better})", metric.name),
                bars,
            })
        })
        .collect()
}

fn color(kind: Kind) -> RGBColor {
    match kind {
        Kind::Ours => RGBColor(31, 119, 180),
        Kind::Peer => RGBColor(255, 127, 14),
        Kind::Floor => RGBColor(152, 223, 138),
        Kind::Baseline => RGBColor(127, 127, 127),
    }
}

/// Writes the panels, two per row, to an SVG file.
pub fn write_svg(path: &Path, panels: &[Panel]) -> Result<(), String> {
    let rows = panels.len().div_ceil(2).max(1);
    let height = u32::try_from(rows * 340).unwrap_or(u32::MAX);
    let root = SVGBackend::new(path, (1500, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let areas = root.split_evenly((rows, 2));
    for (area, panel) in areas.iter().zip(panels) {
        draw_panel(area, panel).map_err(|e| format!("{}: {e}", panel.title))?;
    }
    root.present().map_err(|e| e.to_string())
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw_panel(
    area: &Area<'_>,
    panel: &Panel,
) -> Result<(), DrawingAreaErrorKind<<SVGBackend<'static> as DrawingBackend>::ErrorType>> {
    let n = panel.bars.len();
    let max = panel.bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let x_end = if max > 0.0 { max * 1.3 } else { 1.0 };
    // The first bar goes on top: segment `n - 1 - i` holds bar `i`.
    let slot = |i: usize| n.saturating_sub(1 + i);
    let labels: Vec<&str> = panel.bars.iter().rev().map(|b| b.label.as_str()).collect();
    let mut chart = ChartBuilder::on(area)
        .caption(&panel.title, ("sans-serif", 17))
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(300)
        // A discrete range holds both ends: `0..n - 1` is n segments.
        .build_cartesian_2d(0.0..x_end, (0..n.saturating_sub(1)).into_segmented())?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(n)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => labels.get(*i).copied().unwrap_or_default().to_owned(),
            _ => String::new(),
        })
        .x_labels(5)
        .x_label_formatter(&|x| m::significant(*x))
        .draw()?;
    chart.draw_series(panel.bars.iter().enumerate().map(|(i, bar)| {
        let mut rectangle = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(slot(i))),
                (bar.value, SegmentValue::Exact(slot(i) + 1)),
            ],
            color(bar.kind).filled(),
        );
        rectangle.set_margin(4, 4, 0, 0);
        rectangle
    }))?;
    chart.draw_series(panel.bars.iter().enumerate().map(|(i, bar)| {
        Text::new(
            format!(" {}", m::significant(bar.value)),
            (bar.value, SegmentValue::CenterOf(slot(i))),
            ("sans-serif", 13),
        )
    }))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::metrics::tests::{outcome, run};

    #[test]
    fn panels_order_bars_and_skip_failures() {
        let mut runs = vec![
            run("base", Kind::Baseline, Ok(outcome(1000, 1000.0, 0.0005))),
            run("peer", Kind::Peer, Ok(outcome(1000, 500.0, 0.004))),
            run("ours", Kind::Ours, Ok(outcome(1000, 800.0, 0.001))),
            run("broken", Kind::Peer, Err("no".into())),
        ];
        for r in &mut runs {
            r.scenario = "many-clients".into();
        }
        let panels = panels(&runs);
        assert_eq!(panels.len(), 2, "only many-clients was measured");
        let first = &panels[0];
        assert_eq!(first.title, "many-clients: deliveries/s (higher is better)");
        let order: Vec<(Kind, f64)> = first.bars.iter().map(|b| (b.kind, b.value)).collect();
        assert_eq!(
            order,
            [
                (Kind::Ours, 800.0),
                (Kind::Peer, 500.0),
                (Kind::Baseline, 1000.0)
            ]
        );
        assert!(panels[1].title.ends_with("(lower is better)"));
    }
}
