//! SVG plots of a run (plotters): wall time and memory per task against N,
//! ns per resume, the sum server, and echo throughput against K.

use std::io;
use std::path::Path;

use plotters::prelude::*;

use crate::measure::Results;

type Series = Vec<(String, Vec<(f64, f64)>)>;

/// Each system's medians for one experiment and metric, as (x, y) points.
fn series(
    results: &Results,
    experiment: &str,
    metric: &str,
    filter: impl Fn(&str) -> bool,
) -> Series {
    let mut out: Series = Vec::new();
    for cell in results
        .cells
        .iter()
        .filter(|c| c.experiment == experiment && c.metric == metric)
    {
        if !filter(&cell.setting) {
            continue;
        }
        let point = (cell.x, cell.median());
        match out.iter_mut().find(|(s, _)| *s == cell.system) {
            Some((_, points)) => points.push(point),
            None => out.push((cell.system.clone(), vec![point])),
        }
    }
    for (_, points) in &mut out {
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    out
}

fn bounds(series: &Series) -> Option<((f64, f64), (f64, f64))> {
    let points = series
        .iter()
        .flat_map(|(_, p)| p.iter())
        .filter(|(x, y)| x.is_finite() && y.is_finite() && *y > 0.0);
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    let mut any = false;
    for &(x, y) in points {
        any = true;
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    any.then_some(((x0, x1), (y0 / 1.5, y1 * 1.5)))
}

fn err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// A line per system; y on a log scale, x on a log scale if `log_x`.
fn chart(
    path: &Path,
    title: &str,
    x_label: &str,
    y_label: &str,
    log_x: bool,
    series: &Series,
) -> io::Result<bool> {
    let Some(((x0, x1), (y0, y1))) = bounds(series) else {
        return Ok(false);
    };
    let root = SVGBackend::new(path, (900, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let x1 = if x1 > x0 { x1 } else { x0 + 1.0 };
    macro_rules! draw {
        ($x:expr) => {{
            let mut chart = ChartBuilder::on(&root)
                .caption(title, ("sans-serif", 22))
                .margin(12)
                .x_label_area_size(44)
                .y_label_area_size(70)
                .build_cartesian_2d($x, (y0..y1).log_scale())
                .map_err(err)?;
            chart
                .configure_mesh()
                .x_desc(x_label)
                .y_desc(y_label)
                .draw()
                .map_err(err)?;
            for (i, (name, points)) in series.iter().enumerate() {
                let color = Palette99::pick(i).to_rgba();
                chart
                    .draw_series(LineSeries::new(
                        points.iter().copied(),
                        color.stroke_width(2),
                    ))
                    .map_err(err)?
                    .label(name.as_str())
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2))
                    });
                chart
                    .draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                    .map_err(err)?;
            }
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .position(SeriesLabelPosition::UpperLeft)
                .draw()
                .map_err(err)?;
        }};
    }
    if log_x {
        draw!((x0..x1).log_scale());
    } else {
        draw!((x0 - 0.5)..(x1 + 0.5));
    }
    root.present().map_err(err)?;
    Ok(true)
}

/// Writes every plot the run has data for into `dir`; returns their file
/// names.
pub(crate) fn all(results: &Results, dir: &Path) -> io::Result<Vec<String>> {
    let all = |_: &str| true;
    let mut resume = series(results, "resume", "round trip", all);
    // One point per system: spread them along x so each has its own place.
    for (i, (_, points)) in resume.iter_mut().enumerate() {
        for p in points.iter_mut() {
            p.0 = i as f64;
        }
    }
    let plots: [(&str, &str, &str, &str, bool, Series); 7] = [
        (
            "prog1-wall.svg",
            "Prog 1: N tasks sleeping 200 ms",
            "tasks (N)",
            "wall time (ms)",
            true,
            series(results, "sleepers", "wall", all),
        ),
        (
            "prog2-memory.svg",
            "Prog 2: memory per sleeping task",
            "tasks (N)",
            "bytes per task",
            true,
            series(results, "sleepers", "memory", all),
        ),
        (
            "resume.svg",
            "One resume round trip (each system at its own x)",
            "system",
            "ns per resume",
            false,
            resume,
        ),
        (
            "sumserver.svg",
            "Sum server: time for 1000 requests",
            "client threads",
            "ms per 1000 requests",
            false,
            series(results, "sumserver", "wall", |s| s.starts_with("pool")),
        ),
        (
            "udp-echo.svg",
            "UDP echo beside K CPU spinners",
            "spinners (K)",
            "MB/s",
            false,
            series(results, "udp echo", "throughput", all),
        ),
        (
            "netload-1core.svg",
            "64-byte echo, server on 1 core, client on the other",
            "connections",
            "requests per second",
            true,
            series(results, "netload", "requests", |s| {
                s.starts_with("server 1 core")
            }),
        ),
        (
            "netload-2cores.svg",
            "64-byte echo, server and client sharing 2 cores",
            "connections",
            "requests per second",
            true,
            series(results, "netload", "requests", |s| s.starts_with("2 cores")),
        ),
    ];
    let mut written = Vec::new();
    for (file, title, x, y, log_x, data) in plots {
        if chart(&dir.join(file), title, x, y, log_x, &data)? {
            written.push(file.to_string());
        }
    }
    Ok(written)
}
