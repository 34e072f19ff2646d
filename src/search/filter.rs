//! Filters: `<identifier> <comparator> <value>` clauses joined by `AND`, parsed as MLflow's
//! `search_utils.py` parses them for each kind of search, with its rules and its messages.
//! Every clause and error keeps the span it came from, so a search box can point at it.

use super::lexer::{tokenize, Kind, Span, Token};
use super::names::{
    orders_runs, run_attribute, run_attribute_names, Entity, DATASET_FIELDS, RUN_NUMERIC_ATTRIBUTES,
};
use crate::domain::DomainError;

/// What is being searched: each has its own keys and rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Runs,
    Experiments,
    RegisteredModels,
    ModelVersions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
    Like,
    ILike,
    In,
    NotIn,
    IsNull,
    IsNotNull,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Like => "LIKE",
            Op::ILike => "ILIKE",
            Op::In => "IN",
            Op::NotIn => "NOT IN",
            Op::IsNull => "IS NULL",
            Op::IsNotNull => "IS NOT NULL",
        }
    }
}

const NUMERIC_OPS: &[Op] = &[Op::Gt, Op::Ge, Op::Ne, Op::Eq, Op::Lt, Op::Le];
const TEXT_OPS: &[Op] = &[
    Op::Ne,
    Op::Eq,
    Op::Like,
    Op::ILike,
    Op::IsNull,
    Op::IsNotNull,
];
const STRING_ATTRIBUTE_OPS: &[Op] = &[Op::Ne, Op::Eq, Op::Like, Op::ILike, Op::In, Op::NotIn];
const VERSION_STRING_OPS: &[Op] = &[Op::Ne, Op::Eq, Op::Like, Op::ILike, Op::In];

/// The right-hand side of a clause.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Number(f64),
    Text(String),
    List(Vec<String>),
    Nothing,
}

/// One `AND`-ed condition, with its key resolved (aliases such as `created` translated).
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    pub entity: Entity,
    pub key: String,
    pub op: Op,
    pub value: Operand,
    pub span: Span,
}

/// Why a filter was refused, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub message: String,
    pub span: Span,
    /// 1-based, in characters.
    pub column: usize,
}

impl From<FilterError> for DomainError {
    fn from(error: FilterError) -> DomainError {
        DomainError::invalid(format!("{} (at column {})", error.message, error.column))
    }
}

/// A parsed filter: every clause must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    pub clauses: Vec<Clause>,
}

impl Filter {
    /// Parses `text` for `target`; an empty or blank text matches everything.
    pub fn parse(target: Target, text: &str) -> Result<Filter, FilterError> {
        Parser { target, text }.filter()
    }

    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty()
    }
}

/// Words that are SQL keywords to MLflow's tokenizer: never a value or a key.
const KEYWORDS: [&str; 10] = [
    "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE", "TRUE", "FALSE",
];

fn is_keyword(token: &Token) -> bool {
    KEYWORDS.iter().any(|k| token.is_keyword(k))
}

/// A name part: a bare word that is not a keyword, or a backtick or double-quoted name.
fn is_name(token: &Token) -> bool {
    match token.kind {
        Kind::Word => !is_keyword(token),
        Kind::Backtick | Kind::DoubleQuoted => true,
        _ => false,
    }
}

/// Removes one pair of surrounding quotes (`'` or `"`).
fn strip_quotes(value: &str) -> Option<&str> {
    ['\'', '"'].into_iter().find_map(|q| {
        (value.len() >= 2 && value.starts_with(q) && value.ends_with(q))
            .then(|| &value[1..value.len() - 1])
    })
}

fn trim_backticks(value: &str) -> &str {
    if value.len() >= 2 && value.starts_with('`') && value.ends_with('`') {
        &value[1..value.len() - 1]
    } else {
        value
    }
}

/// The key of `entity.key` as MLflow reads it: quotes, then backticks, removed.
fn clean_key(key: &str) -> &str {
    trim_backticks(strip_quotes(key).unwrap_or(key))
}

const EXPERIMENT_ATTRIBUTES: [&str; 3] = ["name", "creation_time", "last_update_time"];
const VERSION_ATTRIBUTES: [&str; 4] = ["name", "version_number", "run_id", "source_path"];
const REGISTRY_ENTITIES: &str = "('attribute', 'tag', 'tags')";

fn quoted_list(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("'{k}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value as written: a token or a dotted name.
struct Value<'a> {
    tokens: &'a [Token<'a>],
    text: &'a str,
}

impl Value<'_> {
    fn kind(&self) -> Kind {
        if self.tokens.len() == 1 {
            self.tokens[0].kind
        } else {
            Kind::Word
        }
    }
}

/// Which keys an identifier may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Purpose {
    Search,
    Order,
}

pub(super) struct Parser<'a> {
    pub(super) target: Target,
    pub(super) text: &'a str,
}

impl<'a> Parser<'a> {
    pub(super) fn error(&self, message: impl Into<String>, span: Span) -> FilterError {
        FilterError {
            message: message.into(),
            span,
            column: span.column(self.text),
        }
    }

    fn slice(&self, tokens: &[Token]) -> &'a str {
        match (tokens.first(), tokens.last()) {
            (Some(first), Some(last)) => &self.text[first.span.start..last.span.end],
            _ => "",
        }
    }

    fn span(tokens: &[Token]) -> Span {
        match (tokens.first(), tokens.last()) {
            (Some(first), Some(last)) => first.span.to(last.span),
            _ => Span::default(),
        }
    }

    fn invalid_clause(&self, tokens: &[Token]) -> FilterError {
        self.error(
            format!(
                "Invalid clause(s) in filter string: '{}'. Write clauses as <key> <comparator> <value> joined by AND (no OR, no parentheses), quote string values, and close every quote",
                self.slice(tokens)
            ),
            Self::span(tokens),
        )
    }

    fn filter(&self) -> Result<Filter, FilterError> {
        let tokens = tokenize(self.text);
        if let Some(semi) = tokens.iter().position(|t| t.kind == Kind::Semicolon) {
            if tokens[semi..].iter().any(|t| t.kind != Kind::Semicolon) {
                return Err(self.error(
                    format!(
                        "Search filter contained multiple expression '{}'. Provide AND-ed expression list.",
                        self.text
                    ),
                    tokens[semi].span,
                ));
            }
        }
        let mut clauses = Vec::new();
        let mut start = 0;
        for end in (0..=tokens.len()).filter(|&i| i == tokens.len() || tokens[i].is_keyword("AND"))
        {
            let segment = &tokens[start..end];
            if segment.is_empty() {
                if end < tokens.len() || start > 0 {
                    let at = tokens.get(end).or(tokens.get(start.saturating_sub(1)));
                    return Err(self.invalid_clause(at.map(std::slice::from_ref).unwrap_or(&[])));
                }
            } else {
                clauses.push(self.clause(segment)?);
            }
            start = end + 1;
        }
        Ok(Filter { clauses })
    }

    /// The dotted name at the start of `tokens` (`a`, `a.b`, `` `a`.`b c` ``): how many tokens.
    pub(super) fn identifier_len(tokens: &[Token]) -> usize {
        if !tokens.first().is_some_and(is_name) {
            return 0;
        }
        let mut n = 1;
        while n + 1 < tokens.len()
            && tokens[n].kind == Kind::Dot
            && !tokens[n].spaced
            && !tokens[n + 1].spaced
            && is_name(&tokens[n + 1])
        {
            n += 2;
        }
        n
    }

    fn clause(&self, tokens: &[Token<'a>]) -> Result<Clause, FilterError> {
        if tokens
            .iter()
            .any(|t| matches!(t.kind, Kind::Unterminated | Kind::Other | Kind::Semicolon))
        {
            return Err(self.invalid_clause(tokens));
        }
        let id_len = Self::identifier_len(tokens);
        if id_len == 0 {
            let value_first = matches!(tokens[0].kind, Kind::Number | Kind::SingleQuoted);
            if value_first && tokens.iter().any(|t| t.kind == Kind::Comparator) {
                return Err(self.error(
                    format!(
                        "Invalid comparison clause. Expected 'Identifier' found '{}': a clause starts with the key, as in metrics.accuracy > 0.9",
                        tokens[0].text
                    ),
                    tokens[0].span,
                ));
            }
            return Err(self.invalid_clause(tokens));
        }
        let identifier = &tokens[..id_len];
        let rest = &tokens[id_len..];
        let (op, value_tokens): (Op, &[Token]) = match rest {
            [c, value @ ..] if c.kind == Kind::Comparator => {
                let op = match c.text {
                    "=" => Op::Eq,
                    "!=" => Op::Ne,
                    ">" => Op::Gt,
                    ">=" => Op::Ge,
                    "<" => Op::Lt,
                    "<=" => Op::Le,
                    other => {
                        // Checked as MLflow does, once the key and value are known to be good.
                        let (entity, key) = self.resolve(identifier, Purpose::Search)?;
                        let allowed = self.allowed_ops(entity, &key);
                        return Err(self.bad_comparator(other, allowed, c.span));
                    }
                };
                (op, value)
            }
            [like, value @ ..] if like.is_keyword("LIKE") => (Op::Like, value),
            [like, value @ ..] if like.is_keyword("ILIKE") => (Op::ILike, value),
            [is, null] if is.is_keyword("IS") && null.is_keyword("NULL") => (Op::IsNull, &[]),
            [is, not, null]
                if is.is_keyword("IS") && not.is_keyword("NOT") && null.is_keyword("NULL") =>
            {
                (Op::IsNotNull, &[])
            }
            [r#in, list @ ..] if r#in.is_keyword("IN") => (Op::In, list),
            [not, r#in, list @ ..] if not.is_keyword("NOT") && r#in.is_keyword("IN") => {
                (Op::NotIn, list)
            }
            _ => return Err(self.invalid_clause(tokens)),
        };
        let (entity, key) = self.resolve(identifier, Purpose::Search)?;
        let span = Self::span(tokens);
        let value = match op {
            Op::IsNull | Op::IsNotNull => {
                if !matches!(entity, Entity::Param | Entity::Tag) {
                    return Err(self.error(
                        format!(
                            "IS NULL / IS NOT NULL is only supported for tags and params, not for '{}' '{key}'",
                            entity.name()
                        ),
                        span,
                    ));
                }
                Operand::Nothing
            }
            Op::In | Op::NotIn => {
                if value_tokens.first().map(|t| t.kind) != Some(Kind::Open)
                    || value_tokens.last().map(|t| t.kind) != Some(Kind::Close)
                    || value_tokens.len() < 2
                {
                    return Err(self.invalid_clause(tokens));
                }
                self.list_value(entity, &key, value_tokens)?
            }
            _ => {
                let value_len = Self::identifier_len(value_tokens).max(1);
                if value_tokens.is_empty()
                    || value_tokens.len() != value_len
                    || matches!(
                        value_tokens[0].kind,
                        Kind::Open | Kind::Close | Kind::Comma | Kind::Comparator | Kind::Dot
                    )
                    || is_keyword(&value_tokens[0])
                {
                    return Err(self.invalid_clause(tokens));
                }
                let value = Value {
                    tokens: value_tokens,
                    text: self.slice(value_tokens),
                };
                self.scalar_value(entity, &key, &value, Self::span(value_tokens))?
            }
        };
        let allowed = self.allowed_ops(entity, &key);
        if !allowed.contains(&op) {
            return Err(self.bad_comparator(op.as_str(), allowed, span));
        }
        let value = match (&value, op) {
            // MLflow drops ids with capitals from a run id list: run ids are lower-case.
            (Operand::List(ids), Op::In | Op::NotIn)
                if entity == Entity::Attribute && key == "run_id" =>
            {
                Operand::List(
                    ids.iter()
                        .filter(|id| {
                            id.chars().any(char::is_lowercase)
                                && !id.chars().any(char::is_uppercase)
                        })
                        .cloned()
                        .collect(),
                )
            }
            _ => value,
        };
        Ok(Clause {
            entity,
            key,
            op,
            value,
            span,
        })
    }

    fn bad_comparator(&self, op: &str, allowed: &[Op], span: Span) -> FilterError {
        let allowed: Vec<&str> = allowed.iter().map(|o| o.as_str()).collect();
        self.error(
            format!(
                "Invalid comparator '{op}' not one of '{}'",
                allowed.join("', '")
            ),
            span,
        )
    }

    /// The entity and key an identifier names, checked against the target's keys (those it
    /// can be searched by, or ordered by).
    pub(super) fn resolve(
        &self,
        identifier: &[Token],
        purpose: Purpose,
    ) -> Result<(Entity, String), FilterError> {
        let raw = self.slice(identifier);
        let span = Self::span(identifier);
        let (prefix, key) = match raw.split_once('.') {
            Some((prefix, key)) => (Some(prefix), key),
            None => (None, raw),
        };
        let entity = match (self.target, prefix) {
            (_, None) => Entity::Attribute,
            (Target::Runs, Some(prefix)) => {
                let prefix = trim_backticks(prefix);
                Entity::from_prefix(prefix).ok_or_else(|| {
                    self.error(
                        format!(
                            "Invalid entity type '{prefix}'. Valid values are [{}] (or their plurals, e.g. metrics.accuracy)",
                            quoted_list(&Entity::ALL.map(Entity::name))
                        ),
                        span,
                    )
                })?
            }
            (_, Some("attribute")) => Entity::Attribute,
            (_, Some("tag" | "tags")) => Entity::Tag,
            (_, Some(other)) => {
                return Err(self.error(
                    format!(
                        "Invalid entity type '{other}'. Valid entity types are {REGISTRY_ENTITIES}"
                    ),
                    span,
                ))
            }
        };
        let valid: Vec<&str> = match (self.target, entity, purpose) {
            (Target::Runs, Entity::Attribute, Purpose::Search) => run_attribute_names().collect(),
            (Target::Runs, Entity::Attribute, Purpose::Order) => {
                run_attribute_names().filter(|n| orders_runs(n)).collect()
            }
            (Target::Runs, Entity::Dataset, _) => DATASET_FIELDS.to_vec(),
            (Target::Experiments, Entity::Attribute, Purpose::Search) => {
                EXPERIMENT_ATTRIBUTES.to_vec()
            }
            (Target::Experiments, Entity::Attribute, Purpose::Order) => {
                vec!["name", "experiment_id", "creation_time", "last_update_time"]
            }
            (Target::RegisteredModels, Entity::Attribute, Purpose::Search) => vec!["name"],
            // What MLflow's SQL store (behind `mlflow server`) orders registered models by.
            (Target::RegisteredModels, Entity::Attribute, Purpose::Order) => {
                vec!["name", "timestamp", "last_updated_timestamp"]
            }
            (Target::ModelVersions, Entity::Attribute, Purpose::Search) => {
                VERSION_ATTRIBUTES.to_vec()
            }
            (Target::ModelVersions, Entity::Attribute, Purpose::Order) => vec![
                "name",
                "version_number",
                "creation_timestamp",
                "last_updated_timestamp",
            ],
            _ => Vec::new(),
        };
        // The registry checks the key before removing its quotes, as MLflow does.
        let checked = match self.target {
            Target::Runs | Target::Experiments => clean_key(key),
            Target::RegisteredModels | Target::ModelVersions => key,
        };
        if !valid.is_empty() && !valid.contains(&checked) {
            let what = if entity == Entity::Dataset {
                "dataset"
            } else {
                "attribute"
            };
            return Err(self.error(
                format!(
                    "Invalid {what} key '{checked}' specified. Valid keys are {}",
                    quoted_list(&valid)
                ),
                span,
            ));
        }
        let key = clean_key(key);
        let key = match (self.target, entity) {
            (Target::Runs, Entity::Attribute) => run_attribute(key).unwrap_or(key),
            _ => key,
        };
        Ok((entity, key.to_owned()))
    }

    fn is_numeric_attribute(&self, key: &str) -> bool {
        match self.target {
            Target::Runs => RUN_NUMERIC_ATTRIBUTES.contains(&key),
            Target::Experiments => key == "creation_time" || key == "last_update_time",
            Target::RegisteredModels => false,
            Target::ModelVersions => key == "version_number",
        }
    }

    fn allowed_ops(&self, entity: Entity, key: &str) -> &'static [Op] {
        match entity {
            Entity::Metric => NUMERIC_OPS,
            Entity::Param | Entity::Tag => TEXT_OPS,
            Entity::Dataset => STRING_ATTRIBUTE_OPS,
            Entity::Attribute if self.is_numeric_attribute(key) => NUMERIC_OPS,
            Entity::Attribute if self.target == Target::ModelVersions => VERSION_STRING_OPS,
            Entity::Attribute => STRING_ATTRIBUTE_OPS,
        }
    }

    /// A quoted string, as MLflow takes it: single or double quotes.
    fn quoted(&self, value: &Value, span: Span) -> Result<Operand, FilterError> {
        match value.kind() {
            Kind::SingleQuoted | Kind::DoubleQuoted => {
                Ok(Operand::Text(value.tokens[0].unquoted().to_owned()))
            }
            _ => Err(self.error(
                format!(
                    "Parameter value is either not quoted or unidentified quote types used for string value {}. Use either single or double quotes.",
                    value.text
                ),
                span,
            )),
        }
    }

    fn scalar_value(
        &self,
        entity: Entity,
        key: &str,
        value: &Value,
        span: Span,
    ) -> Result<Operand, FilterError> {
        let kind = value.kind();
        let stringy = matches!(
            kind,
            Kind::SingleQuoted | Kind::DoubleQuoted | Kind::Backtick | Kind::Word
        );
        let number = || {
            value
                .text
                .parse::<f64>()
                .map(Operand::Number)
                .map_err(|_| self.error(format!("'{}' is not a number", value.text), span))
        };
        match entity {
            Entity::Metric if kind == Kind::Number => number(),
            Entity::Metric => Err(self.error(
                format!(
                    "Expected numeric value type for metric. Found {}: compare metrics with numbers, as in metrics.loss < 0.5",
                    value.text
                ),
                span,
            )),
            Entity::Attribute if self.is_numeric_attribute(key) => {
                if kind == Kind::Number {
                    number()
                } else if self.target == Target::ModelVersions && stringy {
                    // MLflow turns a quoted version number into an integer.
                    match self.quoted(value, span)? {
                        Operand::Text(text) => text.trim().parse::<f64>().map(Operand::Number).map_err(|_| {
                            self.error(format!("invalid literal for int() with base 10: '{text}'"), span)
                        }),
                        other => Ok(other),
                    }
                } else {
                    Err(self.error(
                        format!(
                            "Expected numeric value type for numeric attribute: {key}. Found {}",
                            value.text
                        ),
                        span,
                    ))
                }
            }
            _ if stringy => self.quoted(value, span),
            Entity::Param | Entity::Tag => Err(self.error(
                format!(
                    "Expected a quoted string value for {} (e.g. 'my-value'). Got value {}",
                    entity.name(),
                    value.text
                ),
                span,
            )),
            Entity::Dataset => Err(self.error(
                format!(
                    "Expected a quoted string value for dataset attributes. Got value {}",
                    value.text
                ),
                span,
            )),
            Entity::Attribute if self.target == Target::ModelVersions && kind == Kind::Number => {
                Err(self.error(
                    "Only the '{'version_number', 'creation_timestamp', 'last_updated_timestamp'}' attributes support comparison with numeric values.",
                    span,
                ))
            }
            Entity::Attribute => Err(self.error(
                match self.target {
                    Target::Runs | Target::Experiments => format!(
                        "Expected a quoted string value for attributes. Got value {}",
                        value.text
                    ),
                    _ => format!(
                        "Expected a quoted string value or a list of quoted string values for attributes. Got value {}",
                        value.text
                    ),
                },
                span,
            )),
        }
    }

    fn list_value(
        &self,
        entity: Entity,
        key: &str,
        tokens: &[Token],
    ) -> Result<Operand, FilterError> {
        let span = Self::span(tokens);
        let text = self.slice(tokens);
        let lists_allowed = match entity {
            Entity::Dataset => true,
            Entity::Attribute => key == "run_id",
            _ => false,
        };
        if !lists_allowed {
            return Err(self.error(
                match entity {
                    Entity::Attribute => {
                        "Only ['run_id'] attributes support comparison with a list of quoted string values.".to_owned()
                    }
                    Entity::Metric => format!("Expected numeric value type for metric. Found {text}"),
                    _ => format!(
                        "Expected a quoted string value for {} (e.g. 'my-value'). Got value {text}",
                        entity.name()
                    ),
                },
                span,
            ));
        }
        let inner = &tokens[1..tokens.len() - 1];
        if inner.is_empty() {
            return Err(self.error(
                "While parsing a list in the query, expected a non-empty list of string values, but got empty list",
                span,
            ));
        }
        let mut values = Vec::new();
        for (i, token) in inner.iter().enumerate() {
            let ok = if i % 2 == 0 {
                token.kind == Kind::SingleQuoted
            } else {
                token.kind == Kind::Comma
            };
            if !ok {
                return Err(self.error(
                    format!(
                        "While parsing a list in the query, expected string value, punctuation, or whitespace, but got different type in list: {text}. Write lists as ('a', 'b') with single quotes"
                    ),
                    token.span,
                ));
            }
            if token.kind == Kind::SingleQuoted {
                values.push(token.unquoted().to_owned());
            }
        }
        Ok(Operand::List(values))
    }
}
