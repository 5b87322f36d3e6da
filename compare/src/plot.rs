//! SVG plots of a run, drawn with plotters' SVG backend.
//!
//! Experiments with a setting to vary are line charts, one line per system
//! through its medians, with a whisker from the smallest to the largest
//! sample at each point: wall time and memory per task against N, the sum
//! server against client threads, echo throughput against K. The resume
//! round trip and the matrix sums are horizontal bar charts on a log scale,
//! one labelled bar per system. Ticks are the settings measured and the
//! decades or whole numbers between them (x) and 1-2-5 steps of each
//! decade (y), written 100, 1k, 10k, 1M; the y range runs from a tick below
//! every sample to a tick above; the legend stands beside the plot (line
//! charts) or above it (bar charts).

use std::io;
use std::ops::Range;
use std::path::Path;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, ValueFormatter};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::results::{Results, baseline};

/// Size of every plot, pixels.
const WIDTH: u32 = 1000;
const HEIGHT: u32 = 600;
/// Width of the legend to the right of a line chart.
const LEGEND: u32 = 210;
const FONT: &str = "sans-serif";
/// Notes and keys.
const GREY: RGBColor = RGBColor(90, 90, 90);

/// One system's samples at one setting.
#[derive(Clone, Copy, Debug)]
struct Point {
    x: f64,
    median: f64,
    min: f64,
    max: f64,
}

/// One system's points, in order of x.
#[derive(Debug)]
struct Line {
    system: String,
    points: Vec<Point>,
}

/// Each system's points for one experiment and metric, skipping what a log
/// scale cannot show (zero, negative, NaN).
fn lines(results: &Results, experiment: &str, metric: &str) -> Vec<Line> {
    lines_where(results, experiment, metric, |_| true)
}

/// [`lines`] of the cells whose setting passes `keep`.
fn lines_where(
    results: &Results,
    experiment: &str,
    metric: &str,
    keep: impl Fn(&str) -> bool,
) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for cell in results
        .cells
        .iter()
        .filter(|c| c.experiment == experiment && c.metric == metric && keep(&c.setting))
    {
        let point = Point {
            x: cell.x,
            median: cell.median(),
            min: cell.min(),
            max: cell.max(),
        };
        let shown = [point.x, point.median, point.min, point.max]
            .iter()
            .all(|v| v.is_finite())
            && point.min > 0.0;
        if !shown {
            continue;
        }
        match out.iter_mut().find(|l| l.system == cell.system) {
            Some(line) => line.points.push(point),
            None => out.push(Line {
                system: cell.system.clone(),
                points: vec![point],
            }),
        }
    }
    for line in &mut out {
        line.points.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    out
}

/// Which side a system stands on: the marker and line it is drawn with.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    /// genlet's own systems: circles, solid lines.
    Genlet,
    /// The other Rust systems (smol, tokio, OS threads, genawaiter): squares.
    Rust,
    /// Python (gevent, greenlet, threads, generators): triangles, dashed lines.
    Python,
}

fn side(system: &str) -> Side {
    if system.starts_with("genlet") {
        Side::Genlet
    } else if ["python", "gevent", "greenlet"]
        .iter()
        .any(|p| system.starts_with(p))
    {
        Side::Python
    } else {
        Side::Rust
    }
}

/// Colours that stay apart on white and for most colour-blind readers
/// (matplotlib's tab10, red first for genlet).
const PALETTE: [RGBColor; 10] = [
    RGBColor(0xd6, 0x27, 0x28),
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0x2c, 0xa0, 0x2c),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0x94, 0x67, 0xbd),
    RGBColor(0x8c, 0x56, 0x4b),
    RGBColor(0xe3, 0x77, 0xc2),
    RGBColor(0x7f, 0x7f, 0x7f),
    RGBColor(0xbc, 0xbd, 0x22),
    RGBColor(0x17, 0xbe, 0xcf),
];

/// A colour per line: systems that differ only in being genlet's or
/// Python's ("genlet pool", "python pool") share one, and the marker and
/// dash tell them apart.
fn colours(lines: &[Line]) -> Vec<RGBColor> {
    let mut keys: Vec<&str> = Vec::new();
    lines
        .iter()
        .map(|l| {
            let key = l
                .system
                .strip_prefix("genlet ")
                .or_else(|| l.system.strip_prefix("python "))
                .unwrap_or(&l.system);
            let i = keys.iter().position(|k| *k == key).unwrap_or_else(|| {
                keys.push(key);
                keys.len() - 1
            });
            PALETTE[i % PALETTE.len()]
        })
        .collect()
}

/// `v` as a short label: 100, 2.5k, 10k, 1M, 0.5.
fn human(v: f64) -> String {
    fn short(v: f64) -> String {
        if (v - v.round()).abs() < 1e-9 * v.abs().max(1.0) {
            format!("{}", v.round())
        } else {
            let s = format!("{v:.3}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
    let a = v.abs();
    if a >= 1e9 {
        format!("{}G", short(v / 1e9))
    } else if a >= 1e6 {
        format!("{}M", short(v / 1e6))
    } else if a >= 1e3 {
        format!("{}k", short(v / 1e3))
    } else {
        short(v)
    }
}

/// A measured value with three significant figures: 2.32, 52.0, 442, 17032.
fn value(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// One axis, a plotters coordinate with the ticks chosen here. Log axes are drawn in log10 space: data go through
/// [`Axis::at`], labels come back through [`Axis::label`].
#[derive(Clone)]
struct Axis {
    log: bool,
    /// The drawn range, in axis space.
    range: (f64, f64),
    /// Labelled ticks and grid lines, in axis space.
    ticks: Vec<f64>,
    /// Unlabelled grid lines, in axis space.
    light: Vec<f64>,
}

impl Axis {
    fn at(&self, v: f64) -> f64 {
        if self.log { v.log10() } else { v }
    }

    fn label(&self, t: f64) -> String {
        human(if self.log { 10f64.powf(t) } else { t })
    }

    /// The tick steps within a decade for a log axis spanning `span`
    /// decades: 1-2-5 over a few decades, decades alone over many.
    fn steps(span: f64) -> &'static [f64] {
        if span < 1.2 {
            &[1.0, 1.5, 2.0, 3.0, 5.0, 7.0]
        } else if span < 3.6 {
            &[1.0, 2.0, 5.0]
        } else {
            &[1.0]
        }
    }

    /// A log axis over `lo..hi` (data units, both > 0).
    fn log(lo: f64, hi: f64) -> Axis {
        Axis::log_with(lo, hi, Axis::steps((hi / lo).log10()))
    }

    /// A log axis from the tick at or below `lo` to the tick at or above
    /// `hi` (with a little room), so every value has a labelled tick on
    /// either side.
    fn log_around(lo: f64, hi: f64) -> Axis {
        let steps = Axis::steps((hi / lo).log10());
        let (lo, hi) = (lo / 1.05, hi * 1.05);
        let candidates = || {
            ((lo.log10().floor() as i32)..=(hi.log10().ceil() as i32))
                .flat_map(|d| steps.iter().map(move |m| m * 10f64.powi(d)))
        };
        // A decade's 1 is at or below `lo`, the next decade's at or above `hi`.
        let start = candidates().filter(|&v| v <= lo).reduce(f64::max);
        let end = candidates().filter(|&v| v >= hi).reduce(f64::min);
        Axis::log_with(start.unwrap_or(lo), end.unwrap_or(hi), steps)
    }

    fn log_with(lo: f64, hi: f64, steps: &[f64]) -> Axis {
        let (l, h) = (lo.log10(), hi.log10());
        let mut ticks = Vec::new();
        let mut light = Vec::new();
        for decade in (l.floor() as i32)..=(h.ceil() as i32) {
            let base = 10f64.powi(decade);
            let inside = |v: f64| v >= lo * (1.0 - 1e-9) && v <= hi * (1.0 + 1e-9);
            for m in 1..10 {
                let v = base * f64::from(m);
                if !inside(v) {
                    continue;
                }
                if steps.contains(&f64::from(m)) {
                    ticks.push(v.log10());
                } else {
                    light.push(v.log10());
                }
            }
            if steps.contains(&1.5) && inside(base * 1.5) {
                ticks.push((base * 1.5).log10());
            }
        }
        ticks.sort_by(f64::total_cmp);
        Axis {
            log: true,
            range: (l, h),
            ticks,
            light,
        }
    }

    /// An x axis with a labelled tick at each measured setting and, between
    /// them, at each power of ten (log) or whole number (linear, up to 20
    /// of them), with a margin so the end points and their labels are
    /// inside.
    fn settings(xs: &[f64], log: bool) -> Axis {
        let mut ticks: Vec<f64> = xs
            .iter()
            .map(|&x| if log { x.log10() } else { x })
            .collect();
        ticks.sort_by(f64::total_cmp);
        let (lo, hi) = (ticks[0], ticks[ticks.len() - 1]);
        let between = lo.ceil() as i32..=hi.floor() as i32;
        if between.clone().count() <= 20 {
            ticks.extend(between.map(f64::from));
        }
        ticks.sort_by(f64::total_cmp);
        ticks.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
        let pad = ((hi - lo) * 0.06).max(if log { 0.06 } else { 0.3 });
        Axis {
            log,
            range: (lo - pad, hi + pad),
            ticks,
            light: Vec::new(),
        }
    }
}

impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let (lo, hi) = self.range;
        let share = (v - lo) / (hi - lo);
        limit.0 + (f64::from(limit.1 - limit.0) * share).round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.light.clone()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.0..self.range.1
    }
}

impl ValueFormatter<f64> for Axis {
    fn format_ext(&self, t: &f64) -> String {
        self.label(*t)
    }
}

fn err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// What a plot says about itself.
struct Labels<'a> {
    title: &'a str,
    x: &'a str,
    y: &'a str,
    /// Under the title: how many repetitions, the machine, the date.
    note: &'a str,
}

/// The plot's canvas with its title and note drawn; returns the area left.
fn canvas<'a>(
    path: &'a Path,
    labels: &Labels<'_>,
) -> io::Result<DrawingArea<SVGBackend<'a>, plotters::coord::Shift>> {
    let root = SVGBackend::new(path, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let centre = Pos::new(HPos::Center, VPos::Top);
    root.draw(&Text::new(
        labels.title.to_string(),
        (WIDTH as i32 / 2, 12),
        (FONT, 28).into_font().color(&BLACK).pos(centre),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        labels.note.to_string(),
        (WIDTH as i32 / 2, 44),
        (FONT, 17).into_font().color(&GREY).pos(centre),
    ))
    .map_err(err)?;
    let (_, body) = root.split_vertically(68);
    Ok(body)
}

/// A marker of `side` centred on the point the element is anchored at.
fn marker<DB: DrawingBackend>(side: Side, colour: RGBColor) -> DynElement<'static, DB, (i32, i32)> {
    let fill = colour.filled();
    match side {
        Side::Genlet => Circle::new((0, 0), 5, fill).into_dyn(),
        Side::Rust => Rectangle::new([(-4, -4), (4, 4)], fill).into_dyn(),
        Side::Python => TriangleMarker::new((0, 0), 6, fill).into_dyn(),
    }
}

/// A line per system through its medians, with min-to-max whiskers; x on
/// a log scale if `log_x`, y on a log scale. Returns false (and writes
/// nothing) if there is nothing to draw.
fn line_chart(path: &Path, labels: &Labels<'_>, log_x: bool, lines: &[Line]) -> io::Result<bool> {
    let points = || lines.iter().flat_map(|l| l.points.iter());
    let Some(lo) = points().map(|p| p.min).reduce(f64::min) else {
        return Ok(false);
    };
    let hi = points().map(|p| p.max).fold(lo, f64::max);
    let xs: Vec<f64> = points().map(|p| p.x).collect();
    let x = Axis::settings(&xs, log_x);
    let y = Axis::log_around(lo, hi);
    let colours = colours(lines);

    let body = canvas(path, labels)?;
    let (plot, legend) = body.split_horizontally(WIDTH - LEGEND);
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(10)
        .margin_right(20)
        .margin_bottom(10)
        .x_label_area_size(54)
        .y_label_area_size(74)
        .build_cartesian_2d(x.clone(), y.clone())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(labels.x)
        .y_desc(labels.y)
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 19))
        .bold_line_style(BLACK.mix(0.18))
        .light_line_style(BLACK.mix(0.06))
        .draw()
        .map_err(err)?;

    // Systems at the same setting are nudged apart (5 pixels each, 24 in
    // all at most) so that coinciding medians and whiskers stay visible.
    let (plot_w, _) = chart.plotting_area().dim_in_pixel();
    let per_pixel = (x.range.1 - x.range.0) / f64::from(plot_w.max(1));
    let gap = 5f64.min(24.0 / (lines.len().max(2) - 1) as f64);
    let nudge = |i: usize| (i as f64 - (lines.len() as f64 - 1.0) / 2.0) * gap * per_pixel;

    for (i, (line, &colour)) in lines.iter().zip(&colours).enumerate() {
        let s = side(&line.system);
        let dx = nudge(i);
        let at = |p: &Point, v: f64| (x.at(p.x) + dx, y.at(v));
        let path: Vec<(f64, f64)> = line.points.iter().map(|p| at(p, p.median)).collect();
        let stroke = colour.stroke_width(2);
        if s == Side::Python {
            chart
                .draw_series(DashedLineSeries::new(path, 9, 5, stroke))
                .map_err(err)?;
        } else {
            chart
                .draw_series(LineSeries::new(path, stroke))
                .map_err(err)?;
        }
        let whisker = colour.stroke_width(2);
        for p in &line.points {
            if p.max > p.min {
                let cap = || PathElement::new(vec![(-5, 0), (5, 0)], whisker);
                let area = chart.plotting_area();
                area.draw(&PathElement::new(vec![at(p, p.min), at(p, p.max)], whisker))
                    .map_err(err)?;
                area.draw(&(EmptyElement::at(at(p, p.min)) + cap()))
                    .map_err(err)?;
                area.draw(&(EmptyElement::at(at(p, p.max)) + cap()))
                    .map_err(err)?;
            }
            chart
                .draw_series([EmptyElement::at(at(p, p.median)) + marker(s, colour)])
                .map_err(err)?;
        }
    }

    // The legend, beside the plot.
    let row = 28;
    for (i, (line, &colour)) in lines.iter().zip(&colours).enumerate() {
        let y = 24 + row * i as i32;
        let s = side(&line.system);
        let stroke = colour.stroke_width(2);
        if s == Side::Python {
            legend
                .draw(&DashedPathElement::new(vec![(6, y), (46, y)], 9, 5, stroke))
                .map_err(err)?;
        } else {
            legend
                .draw(&PathElement::new(vec![(6, y), (46, y)], stroke))
                .map_err(err)?;
        }
        legend
            .draw(&(EmptyElement::at((26, y)) + marker(s, colour)))
            .map_err(err)?;
        legend
            .draw(&Text::new(
                line.system.clone(),
                (56, y),
                (FONT, 18)
                    .into_font()
                    .color(&BLACK)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
    }
    let key = [
        (Side::Genlet, "genlet: circles"),
        (Side::Rust, "Rust peers: squares"),
        (Side::Python, "Python: triangles, dashed"),
    ];
    let mut y = 24 + row * lines.len() as i32 + 16;
    for (s, text) in key {
        if !lines.iter().any(|l| side(&l.system) == s) {
            continue;
        }
        legend
            .draw(&Text::new(
                text,
                (6, y),
                (FONT, 16)
                    .into_font()
                    .color(&GREY)
                    .pos(Pos::new(HPos::Left, VPos::Center)),
            ))
            .map_err(err)?;
        y += 20;
    }
    body.present().map_err(err)?;
    Ok(true)
}

/// A horizontal bar per system (fastest at the top) from the left edge to
/// its median on a log scale, a min-to-max whisker, and its median and
/// ratio to `base` written beside it; a key to the colours above. Uses each
/// system's point at the largest setting measured.
fn bar_chart(
    path: &Path,
    labels: &Labels<'_>,
    unit: &str,
    base: &str,
    lines: &[Line],
) -> io::Result<bool> {
    let mut bars: Vec<(&str, Point)> = lines
        .iter()
        .filter_map(|l| Some((l.system.as_str(), *l.points.last()?)))
        .collect();
    if bars.is_empty() {
        return Ok(false);
    }
    bars.sort_by(|a, b| a.1.median.total_cmp(&b.1.median));
    let base_median = bars.iter().find(|(s, _)| *s == base).map(|(_, p)| p.median);
    let text = |system: &str, p: &Point| match base_median {
        Some(b) if system != base => {
            format!("{} {unit} ({}x)", value(p.median), value(p.median / b))
        }
        _ => format!("{} {unit}", value(p.median)),
    };
    let longest = bars.iter().map(|(s, _)| s.len()).max().unwrap_or(8);
    let name_area = (longest as u32 * 9 + 24).max(120);
    let (margin_left, margin_right) = (10, 30);

    // Bars start at the decade below the smallest sample. The axis goes on
    // far enough right for the longest value label to fit: a label of L
    // pixels after a whisker ending a decades in needs a span of D decades
    // with a + D L / width <= D.
    let lo = bars.iter().map(|(_, p)| p.min).fold(f64::MAX, f64::min);
    let l0 = lo.log10().floor();
    let width = f64::from(WIDTH - name_area - margin_left - margin_right);
    let decades = bars
        .iter()
        .map(|(s, p)| {
            let pixels = 16.0 + 9.0 * text(s, p).len() as f64;
            (p.max.log10() - l0) / (1.0 - pixels / width).max(0.2)
        })
        .fold(1.0, f64::max);
    let x = Axis::log(10f64.powf(l0), 10f64.powf(l0 + decades));
    let n = bars.len();
    // Bar k (0 at the top) is centred on y = n - k - 0.5.
    let centre = |k: usize| n as f64 - k as f64 - 0.5;
    let y = Axis {
        log: false,
        range: (0.0, n as f64),
        ticks: (0..n).map(centre).collect(),
        light: Vec::new(),
    };
    let name_of = |t: &f64| {
        let k = (n as f64 - 0.5 - t).round();
        if k >= 0.0 && (k as usize) < n {
            bars[k as usize].0.to_string()
        } else {
            String::new()
        }
    };
    let colour_of = |system: &str| match side(system) {
        Side::Genlet => PALETTE[0],
        Side::Rust => PALETTE[2],
        Side::Python => PALETTE[1],
    };

    let body = canvas(path, labels)?;
    let (key, plot) = body.split_vertically(34);
    // The key, one row above the bars.
    let mut kx = name_area as i32;
    let key_style = |c: &RGBColor| {
        (FONT, 18)
            .into_font()
            .color(c)
            .pos(Pos::new(HPos::Left, VPos::Center))
    };
    for (s, name) in [
        (Side::Genlet, "genlet"),
        (Side::Rust, "Rust peers"),
        (Side::Python, "Python"),
    ] {
        if !bars.iter().any(|(system, _)| side(system) == s) {
            continue;
        }
        let colour = colour_of(match s {
            Side::Genlet => "genlet",
            Side::Rust => "rust",
            Side::Python => "python",
        });
        key.draw(&Rectangle::new(
            [(kx, 9), (kx + 16, 25)],
            colour.mix(0.75).filled(),
        ))
        .map_err(err)?;
        key.draw(&Text::new(name, (kx + 22, 17), key_style(&BLACK)))
            .map_err(err)?;
        kx += 34 + 10 * name.len() as i32;
    }
    if base_median.is_some() {
        key.draw(&Text::new(
            format!("(Nx): time / {base}"),
            (kx + 10, 17),
            key_style(&GREY),
        ))
        .map_err(err)?;
    }

    let mut chart = ChartBuilder::on(&plot)
        .margin_left(margin_left)
        .margin_right(margin_right)
        .margin_bottom(10)
        .x_label_area_size(54)
        .y_label_area_size(name_area)
        .build_cartesian_2d(x.clone(), y.clone())
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(labels.x)
        .y_label_formatter(&name_of)
        .label_style((FONT, 18))
        .axis_desc_style((FONT, 19))
        .bold_line_style(BLACK.mix(0.18))
        .light_line_style(BLACK.mix(0.06))
        .draw()
        .map_err(err)?;
    let x0 = x.range.0;
    let area = chart.plotting_area();
    for (k, (system, p)) in bars.iter().enumerate() {
        let c = centre(k);
        let colour = colour_of(system);
        let corners = [(x0, c - 0.32), (x.at(p.median), c + 0.32)];
        area.draw(&Rectangle::new(corners, colour.mix(0.75).filled()))
            .map_err(err)?;
        area.draw(&Rectangle::new(corners, colour.stroke_width(1)))
            .map_err(err)?;
        let whisker = BLACK.stroke_width(2);
        let cap = || PathElement::new(vec![(0, -7), (0, 7)], whisker);
        if p.max > p.min {
            area.draw(&PathElement::new(
                vec![(x.at(p.min), c), (x.at(p.max), c)],
                whisker,
            ))
            .map_err(err)?;
            area.draw(&(EmptyElement::at((x.at(p.min), c)) + cap()))
                .map_err(err)?;
        }
        area.draw(&(EmptyElement::at((x.at(p.max), c)) + cap()))
            .map_err(err)?;
        area.draw(
            &(EmptyElement::at((x.at(p.max), c))
                + Text::new(text(system, p), (10, 0), key_style(&BLACK))),
        )
        .map_err(err)?;
    }
    body.present().map_err(err)?;
    Ok(true)
}

/// Writes every plot the run has data for into `dir`; returns their file
/// names.
pub(crate) fn all(results: &Results, dir: &Path) -> io::Result<Vec<String>> {
    let note = format!(
        "medians of {} repetitions{}, whiskers from min to max · {} · {}",
        results.reps,
        if results.quick { " (--quick)" } else { "" },
        results.machine,
        results.date
    );
    let note = note.as_str();
    let mut written = Vec::new();
    // Line charts: file, title, x label, y label, log x, experiment,
    // metric, and the settings drawn (by prefix; "" for all).
    type LinePlot<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        bool,
        &'a str,
        &'a str,
        &'a str,
    );
    let line_plots = |plots: &[LinePlot<'_>], written: &mut Vec<String>| -> io::Result<()> {
        for &(file, title, x, y, log_x, experiment, metric, prefix) in plots {
            let data = lines_where(results, experiment, metric, |s| s.starts_with(prefix));
            let labels = Labels { title, x, y, note };
            if line_chart(&dir.join(file), &labels, log_x, &data)? {
                written.push(file.to_string());
            }
        }
        Ok(())
    };
    line_plots(
        &[
            (
                "prog1-wall.svg",
                "Prog 1 (seed 002): N tasks each sleeping 200 ms",
                "tasks (N)",
                "wall time, ms (log scale; lower is better)",
                true,
                "sleepers",
                "wall",
                "",
            ),
            (
                "prog2-memory.svg",
                "Prog 2 (seed 002): memory per sleeping task",
                "tasks (N)",
                "bytes per task (log scale; lower is better)",
                true,
                "sleepers",
                "memory",
                "",
            ),
        ],
        &mut written,
    )?;
    let bar_plot = |file: &str, title: &str, x: &str, experiment: &str, data: &[Line]| {
        let labels = Labels {
            title,
            x,
            y: "",
            note,
        };
        bar_chart(&dir.join(file), &labels, "ns", baseline(experiment), data)
            .map(|done| done.then(|| file.to_string()))
    };
    written.extend(bar_plot(
        "resume.svg",
        "One resume round trip",
        "ns per resume (log scale; lower is better)",
        "resume",
        &lines(results, "resume", "round trip"),
    )?);
    let matrix = lines(results, "matrix", "per element");
    let largest = matrix
        .iter()
        .filter_map(|l| l.points.last())
        .map(|p| p.x)
        .fold(0.0, f64::max);
    written.extend(bar_plot(
        "matrix.svg",
        &format!("Seed 000's sum of i*i for i < N, N = {}", human(largest)),
        "ns per element (log scale; lower is better)",
        "matrix",
        &matrix,
    )?);
    line_plots(
        &[
            (
                "sumserver.svg",
                "Sum server (seed 003): time for 1000 requests",
                "client threads",
                "ms per 1000 requests (log scale; lower is better)",
                true,
                "sumserver",
                "wall",
                "",
            ),
            (
                "udp-echo.svg",
                "UDP echo (seed 004) beside K CPU-spinning threads",
                "spinning threads (K)",
                "echo throughput, MB/s (log scale; higher is better)",
                false,
                "udp echo",
                "throughput",
                "",
            ),
            (
                "netload-1core.svg",
                "64-byte echo: server on 1 core, load generator on the other",
                "connections held open",
                "requests per second (log scale; higher is better)",
                true,
                "netload",
                "requests",
                "server 1 core",
            ),
            (
                "netload-2cores.svg",
                "64-byte echo: server and load generator sharing 2 cores",
                "connections held open",
                "requests per second (log scale; higher is better)",
                true,
                "netload",
                "requests",
                "2 cores",
            ),
        ],
        &mut written,
    )?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_short_integers() {
        let shown: Vec<String> = [100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 2500.0, 0.5, 20.0]
            .into_iter()
            .map(human)
            .collect();
        assert_eq!(
            shown,
            ["100", "1k", "10k", "100k", "1M", "10M", "2.5k", "0.5", "20"]
        );
    }

    #[test]
    fn a_log_axis_ticks_inside_its_range() {
        let axis = Axis::log(150.0, 40_000.0);
        let labels: Vec<String> = axis.ticks.iter().map(|&t| axis.label(t)).collect();
        assert_eq!(labels, ["200", "500", "1k", "2k", "5k", "10k", "20k"]);
        let wide = Axis::log(0.3, 2000.0);
        let labels: Vec<String> = wide.ticks.iter().map(|&t| wide.label(t)).collect();
        assert_eq!(labels, ["1", "10", "100", "1k"]);
        // Around the values: a labelled tick at each end.
        let around = Axis::log_around(3.5, 780.0);
        let labels: Vec<String> = around.ticks.iter().map(|&t| around.label(t)).collect();
        assert_eq!(
            labels,
            ["2", "5", "10", "20", "50", "100", "200", "500", "1k"]
        );
    }

    #[test]
    fn settings_are_the_ticks_and_lie_inside_the_range() {
        let xs = [100.0, 1e3, 1e4, 1e5, 1e6, 1e7];
        let axis = Axis::settings(&xs, true);
        let labels: Vec<String> = axis.ticks.iter().map(|&t| axis.label(t)).collect();
        assert_eq!(labels, ["100", "1k", "10k", "100k", "1M", "10M"]);
        assert!(axis.range.0 < 2.0 && axis.range.1 > 7.0);
        // Quick runs skip settings; the decades between are still marked.
        let quick = Axis::settings(&[100.0, 1e4, 1e5], true);
        let labels: Vec<String> = quick.ticks.iter().map(|&t| quick.label(t)).collect();
        assert_eq!(labels, ["100", "1k", "10k", "100k"]);
        let clients = Axis::settings(&[1.0, 2.0, 4.0, 8.0], true);
        let labels: Vec<String> = clients.ticks.iter().map(|&t| clients.label(t)).collect();
        assert_eq!(labels, ["1", "2", "4", "8"]);
        let spinners = Axis::settings(&[0.0, 2.0], false);
        let labels: Vec<String> = spinners.ticks.iter().map(|&t| spinners.label(t)).collect();
        assert_eq!(labels, ["0", "1", "2"]);
    }

    /// Draws the stored run in `tests/data` (the book's run of 2026-11-22,
    /// read back from its tables) and checks each plot: every file written,
    /// integer tick labels, every system in the legend.
    #[test]
    fn a_stored_run_draws_every_plot() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/book-results.json"
        ))
        .unwrap();
        let results = Results::from_json(&text).unwrap();
        let dir = std::env::temp_dir().join("genlet-compare-plots");
        std::fs::create_dir_all(&dir).unwrap();
        let written = all(&results, &dir).unwrap();
        assert_eq!(
            written,
            [
                "prog1-wall.svg",
                "prog2-memory.svg",
                "resume.svg",
                "matrix.svg",
                "sumserver.svg",
                "udp-echo.svg"
            ]
        );
        let svg = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
        // plotters writes each text on a line of its own.
        let texts =
            |svg: &str| -> Vec<String> { svg.lines().map(|l| l.trim().to_string()).collect() };
        let prog1 = texts(&svg("prog1-wall.svg"));
        let has = |texts: &[String], t: &str| texts.iter().any(|l| l == t);
        for t in ["100", "1k", "10k", "100k", "1M", "10M", "200", "500", "20k"] {
            assert!(has(&prog1, t), "tick {t} missing");
        }
        for t in ["genlet", "smol", "tokio-mt", "gevent", "python threads"] {
            assert!(has(&prog1, t), "{t} missing from the legend");
        }
        assert!(
            !prog1.iter().any(|l| l.ends_with(".0")),
            "a tick with a decimal"
        );
        let resume = texts(&svg("resume.svg"));
        assert!(has(&resume, "greenlet switch"));
        assert!(has(&resume, "442 ns (191x)"), "{resume:?}");
    }
}
