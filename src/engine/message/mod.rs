//! A control's `@message`: the sentence each of its results says, written
//! from the request's facts.
//!
//! A template is text with placeholders, each an attribute path of the
//! request's `principal`, `resource` or `context`, optionally through a
//! filter, and `{if PATH}…{else}…{end}` sections:
//!
//! ```text
//! @message("password policy requires {resource.minimum_length} characters; at least {context.thresholds.password_min_length} required")
//! @message("{if resource.last_used}last used {resource.last_used|date}, {resource.last_used|age} before as-of{else}never used{end}")
//! ```
//!
//! `{principal}` and `{resource}` alone print the entity's id. Filters: `date` (a datetime as `YYYY-MM-DD`), `age` (whole days from a
//! datetime to the as-of time: `48 days`), `days` (a duration in whole days:
//! `90 days`). `{{` and
//! `}}` write braces. A path the request's entity or context lacks (an
//! optional attribute, or an attribute of another entity type the policy
//! also covers) prints `unknown`; an `{if}` section holds when the path is
//! present and not `false`, `""` or an empty set.
//!
//! The template is parsed with the policy ([`MessageTemplate::parse`]),
//! checked against the schema by Cedar's own validator ([`check`]: a typo is
//! an error with Cedar's did-you-mean), and rendered for each result from
//! the entities and context Cedar judged ([`render`]).

pub mod check;
pub mod render;

/// A parsed `@message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageTemplate {
    /// The annotation's text, as written.
    text: String,
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Fact(Fact),
    If {
        condition: FactPath,
        then: Vec<Part>,
        otherwise: Vec<Part>,
    },
}

/// One placeholder: a path and how to print it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    pub path: FactPath,
    pub filter: Option<Filter>,
}

/// `principal.a.b`, `resource.a`, `context.a.b`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FactPath {
    pub root: Root,
    pub attributes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Root {
    Principal,
    Resource,
    Context,
}

/// How a placeholder prints its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Filter {
    /// A datetime as its date, `YYYY-MM-DD`.
    Date,
    /// Whole days from a datetime to the as-of time.
    Age,
    /// A duration in whole days.
    Days,
}

impl Root {
    const ALL: [(&'static str, Root); 3] = [
        ("principal", Root::Principal),
        ("resource", Root::Resource),
        ("context", Root::Context),
    ];

    pub fn name(self) -> &'static str {
        match self {
            Root::Principal => "principal",
            Root::Resource => "resource",
            Root::Context => "context",
        }
    }
}

impl Filter {
    const ALL: [(&'static str, Filter); 3] = [
        ("date", Filter::Date),
        ("age", Filter::Age),
        ("days", Filter::Days),
    ];

    pub fn name(self) -> &'static str {
        match self {
            Filter::Date => "date",
            Filter::Age => "age",
            Filter::Days => "days",
        }
    }
}

impl std::fmt::Display for FactPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.root.name())?;
        for a in &self.attributes {
            write!(f, ".{a}")?;
        }
        Ok(())
    }
}

impl std::fmt::Display for Fact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path)?;
        if let Some(filter) = self.filter {
            write!(f, "|{}", filter.name())?;
        }
        Ok(())
    }
}

/// A template that does not parse: what is wrong, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub message: String,
    pub help: String,
}

/// The word written for a fact the request does not have.
pub const UNKNOWN: &str = "unknown";

impl MessageTemplate {
    /// Parses a template. Errors quote the placeholder at fault.
    pub fn parse(text: &str) -> Result<MessageTemplate, TemplateError> {
        let tokens = tokens(text)?;
        let mut stack: Vec<Frame> = vec![Frame::top()];
        for token in tokens {
            match token {
                Token::Text(t) => stack_top(&mut stack).push(Part::Text(t)),
                Token::Fact(f) => stack_top(&mut stack).push(Part::Fact(f)),
                Token::If(condition) => stack.push(Frame {
                    condition: Some(condition),
                    then: Vec::new(),
                    otherwise: None,
                }),
                Token::Else => {
                    let frame = stack.last_mut().filter(|f| f.condition.is_some());
                    match frame {
                        Some(frame) if frame.otherwise.is_none() => {
                            frame.otherwise = Some(Vec::new())
                        }
                        _ => return Err(misplaced("{else}")),
                    }
                }
                Token::End => {
                    if stack.len() < 2 {
                        return Err(misplaced("{end}"));
                    }
                    let Some(Frame {
                        condition: Some(condition),
                        then,
                        otherwise,
                    }) = stack.pop()
                    else {
                        return Err(misplaced("{end}"));
                    };
                    stack_top(&mut stack).push(Part::If {
                        condition,
                        then,
                        otherwise: otherwise.unwrap_or_default(),
                    });
                }
            }
        }
        if stack.len() > 1 {
            return Err(TemplateError {
                message: "an `{if …}` section is not closed".into(),
                help: "end every `{if PATH}` with `{end}`".into(),
            });
        }
        let parts = stack.pop().map(|f| f.then).unwrap_or_default();
        Ok(MessageTemplate {
            text: text.to_string(),
            parts,
        })
    }

    /// The template as written in `@message`.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Every path the template reads, with the filter it is printed through
    /// (`None` for conditions and plain placeholders), each once.
    pub fn facts(&self) -> Vec<Fact> {
        fn walk(parts: &[Part], out: &mut Vec<Fact>) {
            for part in parts {
                match part {
                    Part::Text(_) => {}
                    Part::Fact(f) => out.push(f.clone()),
                    Part::If {
                        condition,
                        then,
                        otherwise,
                    } => {
                        out.push(Fact {
                            path: condition.clone(),
                            filter: None,
                        });
                        walk(then, out);
                        walk(otherwise, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.parts, &mut out);
        out.sort_by(|a, b| (&a.path, a.filter).cmp(&(&b.path, b.filter)));
        out.dedup();
        out
    }
}

/// An `{if}` section being read (the outermost frame is the template).
struct Frame {
    condition: Option<FactPath>,
    then: Vec<Part>,
    /// `Some` once `{else}` was read: the parts after it.
    otherwise: Option<Vec<Part>>,
}

impl Frame {
    fn top() -> Frame {
        Frame {
            condition: None,
            then: Vec::new(),
            otherwise: None,
        }
    }
}

/// Where the next part goes: the innermost section's open branch.
fn stack_top(stack: &mut [Frame]) -> &mut Vec<Part> {
    // The stack always holds the template's own frame.
    let frame = stack.last_mut().expect("the template's frame");
    frame.otherwise.as_mut().unwrap_or(&mut frame.then)
}

fn misplaced(what: &str) -> TemplateError {
    TemplateError {
        message: format!("`{what}` without an `{{if …}}` before it"),
        help: "sections read `{if PATH}text{else}other text{end}`".into(),
    }
}

enum Token {
    Text(String),
    Fact(Fact),
    If(FactPath),
    Else,
    End,
}

/// Splits a template into text and `{…}` tokens.
fn tokens(text: &str) -> Result<Vec<Token>, TemplateError> {
    let mut out = Vec::new();
    let mut literal = String::new();
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '{' if chars.peek().map(|(_, n)| *n) == Some('{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek().map(|(_, n)| *n) == Some('}') => {
                chars.next();
                literal.push('}');
            }
            '}' => {
                return Err(TemplateError {
                    message: "a `}` closes no placeholder".into(),
                    help: "write `}}` for a literal brace".into(),
                })
            }
            '{' => {
                let mut inner = String::new();
                let mut closed = false;
                for (_, n) in chars.by_ref() {
                    if n == '}' {
                        closed = true;
                        break;
                    }
                    inner.push(n);
                }
                if !closed {
                    return Err(TemplateError {
                        message: format!("the placeholder `{{{inner}` is not closed"),
                        help: "close it with `}`; write `{{` for a literal brace".into(),
                    });
                }
                if !literal.is_empty() {
                    out.push(Token::Text(std::mem::take(&mut literal)));
                }
                out.push(token(inner.trim())?);
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        out.push(Token::Text(literal));
    }
    Ok(out)
}

/// One `{…}`'s content.
fn token(inner: &str) -> Result<Token, TemplateError> {
    match inner {
        "else" => return Ok(Token::Else),
        "end" => return Ok(Token::End),
        _ => {}
    }
    if let Some(condition) = inner.strip_prefix("if ") {
        return Ok(Token::If(path(condition.trim(), inner)?));
    }
    let (path_text, filter) = match inner.split_once('|') {
        Some((p, f)) => (p.trim(), Some(filter(f.trim(), inner)?)),
        None => (inner, None),
    };
    Ok(Token::Fact(Fact {
        path: path(path_text, inner)?,
        filter,
    }))
}

fn path(text: &str, placeholder: &str) -> Result<FactPath, TemplateError> {
    let mut segments = text.split('.');
    let first = segments.next().unwrap_or_default();
    let Some(root) = Root::ALL
        .iter()
        .find(|(name, _)| *name == first)
        .map(|(_, r)| *r)
    else {
        let names: Vec<&str> = Root::ALL.iter().map(|(n, _)| *n).collect();
        return Err(TemplateError {
            message: format!(
                "the placeholder `{{{placeholder}}}` does not start with `principal`, `resource` or `context`"
            ),
            help: match nearest(first, &names) {
                Some(n) => format!("did you mean `{n}`? A placeholder is an attribute path such as `{{principal.name}}`"),
                None => "a placeholder is an attribute path such as `{principal.name}` or `{context.thresholds.password_min_length}`; write `{{` for a literal brace".into(),
            },
        });
    };
    let attributes: Vec<String> = segments.map(str::to_string).collect();
    // `{principal}` and `{resource}` print the entity's id (an ARN, mostly);
    // the context is a record and has none.
    let bare_entity = attributes.is_empty() && root != Root::Context;
    if !bare_entity && (attributes.is_empty() || attributes.iter().any(|a| !is_identifier(a))) {
        return Err(TemplateError {
            message: format!("the placeholder `{{{placeholder}}}` is not an attribute path"),
            help: format!(
                "name an attribute of `{}`, e.g. `{{{}.name}}`: identifiers separated by `.`",
                root.name(),
                root.name()
            ),
        });
    }
    Ok(FactPath { root, attributes })
}

fn filter(name: &str, placeholder: &str) -> Result<Filter, TemplateError> {
    if let Some((_, f)) = Filter::ALL.iter().find(|(n, _)| *n == name) {
        return Ok(*f);
    }
    let names: Vec<&str> = Filter::ALL.iter().map(|(n, _)| *n).collect();
    Err(TemplateError {
        message: format!("the placeholder `{{{placeholder}}}` names an unknown filter `{name}`"),
        help: match nearest(name, &names) {
            Some(n) => format!("did you mean `{n}`? Filters: `date`, `age`, `days`"),
            None => "filters: `date` (a datetime's day), `age` (days from a datetime to the as-of time), `days` (a duration in days)".into(),
        },
    })
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The closest of `names` to `word`, when close enough to be a typo.
pub fn nearest<'a>(word: &str, names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .map(|n| (strsim::levenshtein(word, n), *n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 3))
        .min()
        .map(|(_, n)| n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(root: Root, attrs: &[&str], filter: Option<Filter>) -> Fact {
        Fact {
            path: FactPath {
                root,
                attributes: attrs.iter().map(|s| s.to_string()).collect(),
            },
            filter,
        }
    }

    #[test]
    fn placeholders_filters_and_sections_parse() {
        let t = MessageTemplate::parse(
            "{{x}} {principal.name}: {if resource.last_used}used {resource.last_used|date}{else}never{end}",
        )
        .unwrap();
        assert_eq!(
            t.facts(),
            vec![
                fact(Root::Principal, &["name"], None),
                fact(Root::Resource, &["last_used"], None),
                fact(Root::Resource, &["last_used"], Some(Filter::Date)),
            ]
        );
        assert_eq!(t.parts[0], Part::Text("{x} ".into()));
    }

    #[test]
    fn mistakes_are_named_with_a_suggestion() {
        let e = MessageTemplate::parse("{principle.name}").unwrap_err();
        assert!(e.message.contains("`{principle.name}`"), "{e:?}");
        assert!(e.help.contains("did you mean `principal`"), "{e:?}");
        let e = MessageTemplate::parse("{resource.last_used|dates}").unwrap_err();
        assert!(e.help.contains("did you mean `date`"), "{e:?}");
        assert!(MessageTemplate::parse("{principal} {resource}").is_ok());
        for bad in [
            "{context}",
            "{principal.}",
            "{principal.a-b}",
            "{principal.name",
            "a } b",
            "{else}",
            "{end}",
            "{if principal.a}x",
            "{if principal.a}x{else}y{else}z{end}",
        ] {
            assert!(MessageTemplate::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sections_nest() {
        let t =
            MessageTemplate::parse("{if principal.a}{if principal.b}x{end}{else}y{end}").unwrap();
        assert_eq!(t.facts().len(), 2);
    }
}
