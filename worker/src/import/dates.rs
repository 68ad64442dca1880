//! Dates as resumes write them — `Mar 2021`, `März 2021`, `03/2021`, `2021-03`, `2021`,
//! `Present`, in several languages — found in a line and read as the Candidate's `YYYY` or
//! `YYYY-MM` (an open end for "Present").

use std::sync::LazyLock;

use regex::Regex;

/// One date a line names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// `YYYY` or `YYYY-MM`.
    Date(String),
    /// Still going ("Present").
    Now,
}

/// A date found in a line: what it says and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub when: When,
    pub start: usize,
    pub end: usize,
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?xi)
        (?P<word>\p{L}{3,}\.?)\s+(?P<y1>(?:19|20)\d{2})(?:[-/.](?P<m1>0?[1-9]|1[0-2]))?\b
      | \b(?P<m2>\d{1,2})\s?[/.]\s?(?P<y2>(?:19|20)\d{2})\b
      | \b(?P<y3>(?:19|20)\d{2})[-/.](?P<m3>0?[1-9]|1[0-2])\b
      | \b(?P<y4>(?:19|20)\d{2})\b
      | (?P<now>\bpresent\b|\bcurrent(?:ly)?\b|\bnow\b|\btoday\b|\bongoing\b|\bheute\b|\bjetzt\b|aujourd['’]hui
          |\bactuel(?:le)?\b|\bactualidad\b|\bpresente\b|\batual(?:mente)?\b|\bhoy\b
          |настоящее\s+время|сейчас|н\.\s?в\.)",
    )
    .expect("the date pattern")
});

/// Month names and their common abbreviations in English, French, German, Spanish,
/// Portuguese, Italian and Russian, by the prefix that tells them apart.
const MONTHS: &[(&str, u32)] = &[
    ("janv", 1),
    ("jan", 1),
    ("ene", 1),
    ("gen", 1),
    ("янв", 1),
    ("feb", 2),
    ("fév", 2),
    ("fev", 2),
    ("фев", 2),
    ("mär", 3),
    ("maer", 3),
    ("mar", 3),
    ("мар", 3),
    ("apr", 4),
    ("avr", 4),
    ("abr", 4),
    ("апр", 4),
    ("may", 5),
    ("mai", 5),
    ("mag", 5),
    ("мая", 5),
    ("май", 5),
    ("juin", 6),
    ("jun", 6),
    ("giu", 6),
    ("июн", 6),
    ("juil", 7),
    ("jul", 7),
    ("lug", 7),
    ("июл", 7),
    ("aug", 8),
    ("aoû", 8),
    ("aou", 8),
    ("ago", 8),
    ("авг", 8),
    ("sep", 9),
    ("set", 9),
    ("сен", 9),
    ("oct", 10),
    ("okt", 10),
    ("out", 10),
    ("ott", 10),
    ("окт", 10),
    ("nov", 11),
    ("ноя", 11),
    ("dec", 12),
    ("déc", 12),
    ("dez", 12),
    ("dic", 12),
    ("дек", 12),
];

/// The month a word names, if it is a month's name or abbreviation.
fn month_of(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.').to_lowercase();
    // "Mar" or "March", not "Marketing": a month's name is short, or the whole word is one.
    if word.chars().count() > 10 {
        return None;
    }
    let found = MONTHS.iter().find(|(prefix, _)| word.starts_with(prefix)).map(|(_, m)| *m)?;
    let full_names = [
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "janvier",
        "février",
        "fevrier",
        "mars",
        "avril",
        "juillet",
        "août",
        "aout",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
        "januar",
        "februar",
        "märz",
        "maerz",
        "juni",
        "juli",
        "oktober",
        "dezember",
        "enero",
        "febrero",
        "marzo",
        "abril",
        "mayo",
        "junio",
        "julio",
        "agosto",
        "septiembre",
        "setiembre",
        "octubre",
        "noviembre",
        "diciembre",
        "janeiro",
        "fevereiro",
        "março",
        "maio",
        "junho",
        "julho",
        "setembro",
        "outubro",
        "novembro",
        "dezembro",
        "gennaio",
        "febbraio",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "settembre",
        "ottobre",
        "dicembre",
    ];
    let short = word.chars().count() <= 4;
    (short || full_names.contains(&word.as_str()) || is_russian_month(&word)).then_some(found)
}

fn is_season(word: &str) -> bool {
    let word = word.to_lowercase();
    [
        "spring",
        "summer",
        "fall",
        "autumn",
        "winter",
        "printemps",
        "été",
        "automne",
        "hiver",
        "frühling",
        "sommer",
        "herbst",
        "winter",
    ]
    .contains(&word.as_str())
}

fn is_russian_month(word: &str) -> bool {
    word.chars().next().is_some_and(|c| ('а'..='я').contains(&c))
}

/// Every date in `line`, in order.
pub fn find(line: &str) -> Vec<Found> {
    DATE.captures_iter(line)
        .filter_map(|caps| {
            let whole = caps.get(0)?;
            let at = |when| Some(Found { when, start: whole.start(), end: whole.end() });
            if caps.name("now").is_some() {
                return at(When::Now);
            }
            let numeric = |m: &str, y: &str, start: usize| {
                let month: u32 = m.parse().ok().filter(|m| (1..=12).contains(m))?;
                Some(Found { when: When::Date(format!("{y}-{month:02}")), start, end: whole.end() })
            };
            // "Eurobank 2019-01": a numeric date after a word (which is not part of it).
            if let (Some(year), Some(month)) = (caps.name("y1"), caps.name("m1")) {
                return numeric(month.as_str(), year.as_str(), year.start());
            }
            if let (Some(word), Some(year)) = (caps.name("word"), caps.name("y1")) {
                return match month_of(word.as_str()) {
                    Some(month) => at(When::Date(format!("{}-{month:02}", year.as_str()))),
                    // "Summer 2022": the year alone (a season names no month), the season
                    // part of the date.
                    None if is_season(word.as_str()) => at(When::Date(year.as_str().into())),
                    // "Since 2020": the year alone, where it stands.
                    None => {
                        Some(Found { when: When::Date(year.as_str().into()), start: year.start(), end: year.end() })
                    }
                };
            }
            if let (Some(m), Some(y)) = (caps.name("m2"), caps.name("y2")) {
                return numeric(m.as_str(), y.as_str(), whole.start());
            }
            if let (Some(y), Some(m)) = (caps.name("y3"), caps.name("m3")) {
                return numeric(m.as_str(), y.as_str(), whole.start());
            }
            caps.name("y4").and_then(|y| at(When::Date(y.as_str().into())))
        })
        .collect()
}

/// A period a line gives: its start and, unless it is still going, its end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub start: String,
    pub end: Option<String>,
    /// The line without the period (what else it says: a title, a school).
    pub rest: String,
}

/// The period of `line` when it has one (one or two dates, or a date and "Present").
pub fn period(line: &str) -> Option<Period> {
    let found = find(line);
    let dates: Vec<&Found> = found.iter().take(2).collect();
    let (first, second) = match dates.as_slice() {
        [first] => (*first, None),
        [first, second] => (*first, Some(*second)),
        _ => return None,
    };
    let When::Date(start) = &first.when else { return None };
    let end = match second.map(|s| &s.when) {
        Some(When::Date(end)) => Some(end.clone()),
        Some(When::Now) | None => None,
    };
    // A lone date is a start and an end (a one-year course), unless the line says "since".
    let end = if second.is_none() { Some(start.clone()) } else { end };
    let last = second.unwrap_or(first);
    let mut rest = String::new();
    rest.push_str(&line[..first.start]);
    rest.push(' ');
    rest.push_str(&line[last.end..]);
    let rest = trim_separators(&rest);
    Some(Period { start: start.clone(), end, rest })
}

/// `text` without the dashes, bars, dots and words that joined it to a period.
pub fn trim_separators(text: &str) -> String {
    let cut: &[char] = &['-', '–', '—', '|', '·', '•', ',', '(', ')', ':', ' ', '\t', '/'];
    let mut text = text.trim_matches(cut).to_owned();
    for joiner in [" to", " until", " bis", " à", " до", " since", " seit", " depuis", " desde", " from", " von", " de"]
    {
        if text.to_lowercase().ends_with(joiner) {
            text.truncate(text.len() - joiner.len());
        }
    }
    text.trim_matches(cut).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(line: &str) -> Option<(String, Option<String>, String)> {
        period(line).map(|p| (p.start, p.end, p.rest))
    }

    #[test]
    fn periods_in_the_forms_resumes_write() {
        let now = |s: &str, rest: &str| Some((s.to_owned(), None, rest.to_owned()));
        let span = |s: &str, e: &str, rest: &str| Some((s.to_owned(), Some(e.to_owned()), rest.to_owned()));
        assert_eq!(of("Jan 2020 – Present"), now("2020-01", ""));
        assert_eq!(
            of("Engineer, Acme · London · Mar 2019 – Dec 2021"),
            span("2019-03", "2021-12", "Engineer, Acme · London")
        );
        assert_eq!(of("03/2019 - 05/2021"), span("2019-03", "2021-05", ""));
        assert_eq!(of("2012 – 2015"), span("2012", "2015", ""));
        assert_eq!(of("März 2018 bis heute"), now("2018-03", ""));
        assert_eq!(of("septembre 2016 – août 2019"), span("2016-09", "2019-08", ""));
        assert_eq!(of("Разработчик, Яндекс · март 2017 – настоящее время"), now("2017-03", "Разработчик, Яндекс"));
        assert_eq!(of("2020-04 to 2021-02"), span("2020-04", "2021-02", ""));
        assert_eq!(of("Marketing lead 2019 – 2020"), span("2019", "2020", "Marketing lead"));
        assert_eq!(of("Software Engineer Intern Summer 2022"), span("2022", "2022", "Software Engineer Intern"));
        assert_eq!(of("Fall 2013 – Spring 2014"), span("2013", "2014", ""));
        assert_eq!(of("Analyst, Eurobank 2019-01 – Present"), now("2019-01", "Analyst, Eurobank"));
        assert_eq!(of("Analyst, Eurobank 2019.01 – 2020.05"), span("2019-01", "2020-05", "Analyst, Eurobank"));
        assert_eq!(of("Analyst, Eurobank 2019-2020"), span("2019", "2020", "Analyst, Eurobank"));
        // A two-digit year after a dash or slash is not a month.
        let dates = |line: &str| of(line).map(|(start, end, _)| (start, end));
        assert_eq!(dates("Jan 2019-20"), Some(("2019-01".to_owned(), Some("2019-01".to_owned()))));
        assert_eq!(dates("MSc 2016/17"), Some(("2016".to_owned(), Some("2016".to_owned()))));
        assert_eq!(dates("2016/17"), Some(("2016".to_owned(), Some("2016".to_owned()))));
        assert_eq!(of("Ada Lovelace"), None);
        assert_eq!(of("+44 20 7946 0958"), None, "a phone number is not a date");
    }
}
