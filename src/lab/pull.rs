//! How far an image pull has come, from the engine's stream of per-layer messages.
//!
//! The engine announces every layer first (`Pulling fs layer`, `Waiting`, `Already exists`)
//! but tells a layer's size only once it starts downloading, and then extracts each layer
//! after its download. Summing only the layers seen downloading makes the percentage fall each
//! time a new one starts; here every announced layer counts from the start (sized like the
//! layers whose size is known until its own is), extraction is half the work of a layer, and
//! the percentage shown never goes back.

use std::collections::BTreeMap;

/// The state of one pull, fed message by message.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PullProgress {
    /// By layer id.
    layers: BTreeMap<String, Layer>,
    /// The highest fraction shown so far, in thousandths.
    shown: u16,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Layer {
    /// Compressed size, once the engine tells it.
    size: Option<u64>,
    downloaded: u64,
    extracted: u64,
    /// Present before the pull: nothing to fetch.
    existed: bool,
    complete: bool,
}

/// What a person is shown of a pull.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PullSummary {
    /// Every layer the image has (as announced so far).
    pub layers: usize,
    /// Layers fully in place (extracted, or there before).
    pub layers_done: usize,
    /// Bytes downloaded, over the layers whose size is known.
    pub downloaded: u64,
    /// Sum of the sizes known so far.
    pub known_size: u64,
    /// Download and extraction of every layer, in thousandths; never lower than before.
    pub permille: u16,
}

impl PullProgress {
    /// Takes one message of the pull stream: its layer id, status word and byte counts.
    pub fn update(&mut self, id: &str, status: &str, current: Option<i64>, total: Option<i64>) {
        let bytes = |n: Option<i64>| n.map(|n| n.max(0) as u64);
        let layer = match status {
            "Pulling fs layer" | "Waiting" | "Downloading" | "Verifying Checksum"
            | "Download complete" | "Extracting" | "Pull complete" | "Already exists" => {
                self.layers.entry(id.to_owned()).or_default()
            }
            // `Pulling from library/mariadb` names the tag, not a layer; digests and the final
            // status carry no layer either.
            _ => return,
        };
        match status {
            "Downloading" => {
                layer.size = bytes(total).filter(|t| *t > 0).or(layer.size);
                layer.downloaded = bytes(current).unwrap_or(layer.downloaded);
            }
            "Verifying Checksum" | "Download complete" => {
                layer.downloaded = layer.size.unwrap_or(layer.downloaded);
            }
            "Extracting" => {
                layer.size = layer.size.or(bytes(total).filter(|t| *t > 0));
                layer.downloaded = layer.size.unwrap_or(layer.downloaded);
                layer.extracted = bytes(current).unwrap_or(layer.extracted);
            }
            "Pull complete" => {
                layer.downloaded = layer.size.unwrap_or(layer.downloaded);
                layer.extracted = layer.downloaded;
                layer.complete = true;
            }
            "Already exists" => {
                layer.existed = true;
                layer.complete = true;
            }
            _ => {}
        }
        let computed = self.fraction();
        self.shown = self.shown.max(computed);
    }

    /// The engine ended the stream: the image is in place.
    pub fn finish(&mut self) {
        for layer in self.layers.values_mut() {
            layer.complete = true;
        }
        self.shown = 1000;
    }

    /// The summary to show now.
    pub fn summary(&self) -> PullSummary {
        let fetched = self.layers.values().filter(|l| !l.existed);
        PullSummary {
            layers: self.layers.len(),
            layers_done: self.layers.values().filter(|l| l.complete).count(),
            downloaded: fetched.clone().filter(|l| l.size.is_some()).map(|l| l.downloaded).sum(),
            known_size: fetched.filter_map(|l| l.size).sum(),
            permille: self.shown,
        }
    }

    /// Work done over all work, in thousandths: each layer to fetch weighs its size (or the
    /// mean known size while its own is unknown), half for downloading, half for extracting.
    fn fraction(&self) -> u16 {
        let to_fetch: Vec<&Layer> = self.layers.values().filter(|l| !l.existed).collect();
        if to_fetch.is_empty() {
            // Layers already here are announced first; what is to fetch may come next.
            return 0;
        }
        let known: Vec<u64> = to_fetch.iter().filter_map(|l| l.size).collect();
        let guess = if known.is_empty() { 1 } else { known.iter().sum::<u64>() / known.len() as u64 };
        let (mut done, mut all) = (0f64, 0f64);
        for layer in to_fetch {
            let weight = layer.size.unwrap_or(guess).max(1) as f64;
            let part = |n: u64| if layer.complete { 1.0 } else { (n as f64 / weight).min(1.0) };
            let (got, unpacked) = match layer.size {
                Some(_) => (part(layer.downloaded), part(layer.extracted)),
                None if layer.complete => (1.0, 1.0),
                None => (0.0, 0.0),
            };
            done += weight * (got + unpacked) / 2.0;
            all += weight;
        }
        ((done / all) * 1000.0).round().clamp(0.0, 1000.0) as u16
    }
}

impl PullSummary {
    /// The whole percent.
    pub fn percent(&self) -> u16 {
        self.permille / 10
    }

    /// `45% · 38 of 120 MB · 3 of 7 layers`: what a line of text shows.
    pub fn describe(&self) -> String {
        let mb = |b: u64| b / 1_000_000;
        let mut text = format!("{}%", self.percent());
        if self.known_size > 0 {
            text.push_str(&format!(" · {} of {} MB", mb(self.downloaded), mb(self.known_size)));
        }
        if self.layers > 0 {
            text.push_str(&format!(" · {} of {} layers", self.layers_done, self.layers));
        }
        text
    }

    /// A bar `width` cells wide, filled as far as the pull has come.
    pub fn gauge(&self, width: usize) -> String {
        let filled = (usize::from(self.permille) * width).div_ceil(1000).min(width);
        let filled = if self.permille < 1000 { filled.min(width.saturating_sub(1)) } else { filled };
        format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: i64 = 1_000_000;

    fn feed(p: &mut PullProgress, messages: &[(&str, &str, Option<i64>, Option<i64>)]) -> PullSummary {
        for (id, status, current, total) in messages {
            p.update(id, status, *current, *total);
        }
        p.summary()
    }

    #[test]
    fn every_announced_layer_counts_from_the_start_so_the_percentage_never_falls() {
        let mut p = PullProgress::default();
        let s = feed(
            &mut p,
            &[
                ("11.8", "Pulling from library/mariadb", None, None),
                ("a", "Pulling fs layer", None, None),
                ("b", "Pulling fs layer", None, None),
                ("c", "Pulling fs layer", None, None),
                ("a", "Downloading", Some(10 * MB), Some(20 * MB)),
            ],
        );
        assert_eq!(s.layers, 3, "the tag line is not a layer");
        // a: half downloaded, of three layers guessed alike, download being half a layer's work.
        assert_eq!(s.permille, 83);
        let mut last = s.permille;
        for step in [
            ("b", "Downloading", Some(MB), Some(60 * MB)),
            ("a", "Download complete", None, None),
            ("c", "Downloading", Some(MB), Some(2 * MB)),
            ("a", "Extracting", Some(20 * MB), Some(20 * MB)),
            ("a", "Pull complete", None, None),
            ("b", "Downloading", Some(60 * MB), Some(60 * MB)),
            ("c", "Download complete", None, None),
        ] {
            let now = feed(&mut p, &[step]).permille;
            assert!(now >= last, "{step:?}: {now} after {last}");
            last = now;
        }
        let s = p.summary();
        assert_eq!((s.downloaded, s.known_size), (82_000_000, 82_000_000));
        assert_eq!(s.layers_done, 1);
        assert!(s.permille < 1000, "extraction of b and c is still to come: {s:?}");
        let s = feed(&mut p, &[("b", "Pull complete", None, None), ("c", "Pull complete", None, None)]);
        assert_eq!((s.permille, s.layers_done), (1000, 3));
    }

    #[test]
    fn extraction_is_half_the_work_and_existing_layers_are_counted_but_weigh_nothing() {
        let mut p = PullProgress::default();
        let s = feed(
            &mut p,
            &[
                ("old", "Already exists", None, None),
                ("new", "Pulling fs layer", None, None),
                ("new", "Downloading", Some(40 * MB), Some(40 * MB)),
                ("new", "Download complete", None, None),
            ],
        );
        assert_eq!((s.layers, s.layers_done, s.permille), (2, 1, 500));
        let s = feed(&mut p, &[("new", "Extracting", Some(20 * MB), Some(40 * MB))]);
        assert_eq!(s.permille, 750);
        assert_eq!(s.describe(), "75% · 40 of 40 MB · 1 of 2 layers");
        assert_eq!(s.gauge(8), "██████░░");
    }

    #[test]
    fn an_image_whose_layers_all_exist_is_done_when_the_stream_ends_and_a_full_bar_only_then() {
        let mut p = PullProgress::default();
        let s = feed(&mut p, &[("x", "Already exists", None, None)]);
        assert_eq!(s.permille, 0, "more layers may be announced");
        p.finish();
        let s = p.summary();
        assert_eq!((s.permille, s.layers_done), (1000, 1));
        assert_eq!(s.gauge(4), "████");
        let almost = PullSummary { layers: 1, layers_done: 0, downloaded: 0, known_size: 0, permille: 999 };
        assert_eq!(almost.gauge(4), "███░", "not full before it is done");
        assert_eq!(PullProgress::default().summary().describe(), "0%");
    }
}
