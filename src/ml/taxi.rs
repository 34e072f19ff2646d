//! A synthetic NYC green-taxi data set, made the same way every time from a seed: a month of
//! trips with the columns of the TLC's green trip records that MLflow's experiment-tracking
//! course reads, and the course's target, the trip's duration in minutes, kept between 1 and
//! 60 as the course filters it.
//!
//! The trips follow a small model of the city: 265 zones placed on a plane, a few dozen of them
//! busy (green cabs pick up outside Manhattan's core), trips mostly to nearby zones, distances
//! by road a little longer than straight lines, and speeds that fall in the rush hours. So a
//! zone pair (`PU_DO`) and the distance explain much of the duration, as they do in the real
//! data, and a model has something to learn.

use crate::ml::rng::Rng;
use crate::ml::table::{Column, Table};

/// The number of taxi zones, as in the TLC's zone map.
pub const ZONES: usize = 265;

/// The course's training and validation months.
pub const TRAIN_MONTH: &str = "2021-01";
pub const VALIDATION_MONTH: &str = "2021-02";

/// The rows made by default.
pub const DEFAULT_ROWS: usize = 20_000;

/// The city all months share: where the zones are and how busy each is.
struct City {
    position: Vec<(f64, f64)>,
    pickup_weight: Vec<f64>,
    congestion: Vec<f64>,
}

impl City {
    fn new(seed: u64) -> City {
        let mut rng = Rng::new(seed ^ 0x7A78_1C17);
        let position = (0..ZONES)
            .map(|_| (rng.uniform_in(0.0, 18.0), rng.uniform_in(0.0, 22.0)))
            .collect();
        // A few dozen busy zones; the rest see a trip now and then.
        let pickup_weight = (0..ZONES)
            .map(|_| {
                if rng.uniform() < 0.15 {
                    rng.uniform_in(5.0, 60.0)
                } else {
                    rng.uniform_in(0.0, 0.6)
                }
            })
            .collect();
        let congestion = (0..ZONES).map(|_| rng.uniform_in(0.8, 1.3)).collect();
        City {
            position,
            pickup_weight,
            congestion,
        }
    }

    fn distance(&self, a: usize, b: usize) -> f64 {
        let ((ax, ay), (bx, by)) = (self.position[a], self.position[b]);
        ((ax - bx).powi(2) + (ay - by).powi(2)).sqrt()
    }
}

/// `rows` trips of `month` (`"2021-01"`, `"2021-02"`, ...), made from `seed`: every month of
/// one seed shares its city, and each month has trips of its own.
pub fn trips(month: &str, rows: usize, seed: u64) -> Table {
    let city = City::new(seed);
    let (year, month_number) = parse_month(month);
    let mut rng = Rng::new(
        seed.wrapping_mul(31)
            .wrapping_add(u64::from(year * 12 + month_number)),
    );
    let days = days_in_month(year, month_number);
    let mut columns = Columns::default();
    while columns.duration.len() < rows {
        let pickup_zone = rng.weighted(&city.pickup_weight);
        // Drop-offs: nearby zones far more often than far ones.
        let dropoff_weights: Vec<f64> = (0..ZONES)
            .map(|z| (city.pickup_weight[z] + 0.5) * (-city.distance(pickup_zone, z) / 3.0).exp())
            .collect();
        let dropoff_zone = rng.weighted(&dropoff_weights);
        let straight = city.distance(pickup_zone, dropoff_zone);
        let distance = ((straight * rng.uniform_in(1.15, 1.45) + rng.uniform_in(0.1, 0.8)) * 100.0)
            .round()
            / 100.0;
        let second_of_month = rng.below(u64::from(days) * 86_400);
        let hour = (second_of_month % 86_400) / 3600;
        let rush = matches!(hour, 7..=9 | 16..=19);
        let speed = if rush { 9.0 } else { 13.0 } * rng.uniform_in(0.75, 1.25)
            / (city.congestion[pickup_zone] * city.congestion[dropoff_zone]).sqrt();
        let minutes = distance / speed * 60.0 + rng.uniform_in(1.0, 4.0) + rng.normal().abs() * 1.5;
        let seconds = (minutes * 60.0).round() as u64;
        let duration = seconds as f64 / 60.0;
        if !(1.0..=60.0).contains(&duration) {
            continue;
        }
        columns.push(Trip {
            vendor: 1 + rng.below(2) as u32,
            pickup: timestamp(year, month_number, second_of_month),
            dropoff: timestamp(year, month_number, second_of_month + seconds),
            pickup_zone: pickup_zone as u32 + 1,
            dropoff_zone: dropoff_zone as u32 + 1,
            passengers: [1.0, 1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 5.0][rng.below(8) as usize],
            distance,
            fare: (2.5 + 2.5 * distance + 0.5 * minutes).round(),
            payment: 1 + rng.below(2) as u32,
            duration,
        });
    }
    columns.into_table()
}

#[derive(Default)]
struct Columns {
    vendor: Vec<f64>,
    pickup: Vec<String>,
    dropoff: Vec<String>,
    pickup_zone: Vec<f64>,
    dropoff_zone: Vec<f64>,
    passengers: Vec<f64>,
    distance: Vec<f64>,
    fare: Vec<f64>,
    payment: Vec<f64>,
    duration: Vec<f64>,
}

struct Trip {
    vendor: u32,
    pickup: String,
    dropoff: String,
    pickup_zone: u32,
    dropoff_zone: u32,
    passengers: f64,
    distance: f64,
    fare: f64,
    payment: u32,
    duration: f64,
}

impl Columns {
    fn push(&mut self, trip: Trip) {
        self.vendor.push(f64::from(trip.vendor));
        self.pickup.push(trip.pickup);
        self.dropoff.push(trip.dropoff);
        self.pickup_zone.push(f64::from(trip.pickup_zone));
        self.dropoff_zone.push(f64::from(trip.dropoff_zone));
        self.passengers.push(trip.passengers);
        self.distance.push(trip.distance);
        self.fare.push(trip.fare);
        self.payment.push(f64::from(trip.payment));
        self.duration.push(trip.duration);
    }

    fn into_table(self) -> Table {
        let number = |name: &str, values| (name.to_owned(), Column::Number(values));
        let text = |name: &str, values| (name.to_owned(), Column::Text(values));
        Table {
            columns: vec![
                number("VendorID", self.vendor),
                text("lpep_pickup_datetime", self.pickup),
                text("lpep_dropoff_datetime", self.dropoff),
                number("PULocationID", self.pickup_zone),
                number("DOLocationID", self.dropoff_zone),
                number("passenger_count", self.passengers),
                number("trip_distance", self.distance),
                number("fare_amount", self.fare),
                number("payment_type", self.payment),
                number("duration", self.duration),
            ],
        }
    }
}

/// `"2021-01"` as (2021, 1); anything else as January 2021.
fn parse_month(month: &str) -> (u32, u32) {
    month
        .split_once('-')
        .and_then(|(y, m)| {
            Some((
                y.parse().ok()?,
                m.parse().ok().filter(|m| (1..=12).contains(m))?,
            ))
        })
        .unwrap_or((2021, 1))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `second` seconds into the month as `YYYY-MM-DD HH:MM:SS`, running into the next month if
/// it has to.
fn timestamp(year: u32, month: u32, second: u64) -> String {
    let (mut year, mut month, mut day) = (year, month, (second / 86_400) as u32 + 1);
    while day > days_in_month(year, month) {
        day -= days_in_month(year, month);
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    let in_day = second % 86_400;
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_month_of_trips_is_the_same_for_the_same_seed_and_keeps_the_course_filter() {
        let a = trips(TRAIN_MONTH, 500, 1);
        assert_eq!(a, trips(TRAIN_MONTH, 500, 1));
        assert_ne!(a, trips(TRAIN_MONTH, 500, 2));
        assert_ne!(a, trips(VALIDATION_MONTH, 500, 1));
        assert_eq!(a.rows(), 500);
        let durations = a.numbers("duration").unwrap();
        assert!(durations.iter().all(|d| (1.0..=60.0).contains(d)));
        let Some(Column::Text(pickups)) = a.column("lpep_pickup_datetime") else {
            panic!("no pickup times");
        };
        assert!(pickups
            .iter()
            .all(|p| p.starts_with("2021-01-") && p.len() == 19));
    }

    #[test]
    fn timestamps_run_into_the_next_month() {
        assert_eq!(timestamp(2021, 1, 0), "2021-01-01 00:00:00");
        assert_eq!(timestamp(2021, 2, 28 * 86_400 + 61), "2021-03-01 00:01:01");
        assert_eq!(timestamp(2021, 12, 31 * 86_400), "2022-01-01 00:00:00");
    }
}
