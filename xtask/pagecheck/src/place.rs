//! Restoring the nesting the page's text loses, with the spec's known fields.
//!
//! The page prints a body as a flat run: `object`, `status`, `verifications`,
//! `object`, `id`, ..., `userDefinedData`, `object`, `status`, ..., `createdAt`,
//! `createdTime`. Nothing says that `createdTime` closes `userDefinedData`'s
//! object. So each field goes to the innermost open object whose schema declares
//! it and has not seen it yet (closing the objects inside); a field no open object
//! declares is new, placed in the innermost object and reported with the known
//! field it follows. When an object closes, the fields its schema declares and the
//! page did not print are missing.

use std::collections::BTreeSet;

use veriff_spec::Location;

use crate::page::{Entry, Text, TreeItem};
use crate::spec_view::View;
use crate::types;

/// A page field with its place in the spec.
#[derive(Clone, Debug)]
pub struct Placed<'p> {
    /// What the page says of it.
    pub entry: &'p Entry,
    /// Its path in the body, page style: `verifications[].userDefinedData[].reason`.
    pub path: String,
    /// Its JSON pointer in one body, when no array is on the way (`/code`).
    pub pointer: Option<String>,
    /// The spec's property, `None` when the spec does not know the field.
    pub property: Option<Location>,
    /// The object schema it was placed in, if known.
    pub object: Option<Location>,
    /// The path of the field printed before it.
    pub after: Option<String>,
    /// Whether it sits inside a new field (reported with that field).
    pub inside_new: bool,
}

/// A field the spec declares and the page does not print.
#[derive(Clone, Debug)]
pub struct Missing {
    /// Its path, page style.
    pub path: String,
    /// The spec's property.
    pub property: Location,
    /// The page line of the object (or field) it should be under.
    pub line: usize,
}

/// An `object` line with the schema it stands for.
#[derive(Clone, Debug)]
pub struct Object<'p> {
    /// Its line.
    pub line: usize,
    /// The type printed.
    pub ty: &'p str,
    /// Text under it.
    pub description: Option<&'p Text>,
    /// The schema (`None`: the object of a new field, or an unexpected line).
    pub schema: Option<Location>,
    /// The body itself (rather than a field's object).
    pub root: bool,
    /// Not after a field with fields, nor the body's first line: opens nothing.
    pub unexpected: bool,
    /// Page-style path of the field it belongs to (`""` for the body).
    pub path: String,
}

/// A status's body, placed.
#[derive(Clone, Debug, Default)]
pub struct Tree<'p> {
    /// Every field, in page order.
    pub fields: Vec<Placed<'p>>,
    /// Fields of the spec the page does not print.
    pub missing: Vec<Missing>,
    /// Every `object` line.
    pub objects: Vec<Object<'p>>,
    /// Lines that are neither fields nor objects.
    pub strays: Vec<&'p Text>,
}

/// An open object.
#[derive(Clone, Debug)]
struct Scope {
    schema: Option<Location>,
    prefix: String,
    pointer: Option<String>,
    seen: BTreeSet<String>,
    line: usize,
}

impl Scope {
    fn new(schema: Option<Location>, prefix: String, pointer: Option<String>, line: usize) -> Self {
        Self {
            schema,
            prefix,
            pointer,
            seen: BTreeSet::new(),
            line,
        }
    }
}

struct Placer<'v, 'p> {
    view: View<'v>,
    tree: Tree<'p>,
    stack: Vec<Scope>,
    /// The object a field with fields opens, until its `object` line comes.
    pending: Option<Scope>,
    previous: Option<String>,
}

/// Places a status's flat items under the body schema `root`.
pub fn place<'p>(view: View<'_>, root: Option<&Location>, items: &'p [TreeItem]) -> Tree<'p> {
    let mut placer = Placer {
        view,
        tree: Tree::default(),
        stack: Vec::new(),
        pending: None,
        previous: None,
    };
    for item in items {
        match item {
            TreeItem::Object {
                ty,
                line,
                description,
            } => placer.object(root, ty, *line, description.as_ref()),
            TreeItem::Field(entry) => placer.field(root, entry),
            TreeItem::Stray(text) => placer.tree.strays.push(text),
        }
    }
    placer.drop_pending();
    while let Some(scope) = placer.stack.pop() {
        placer.close(scope);
    }
    placer.tree
}

impl<'p> Placer<'_, 'p> {
    fn root_scope(&self, root: Option<&Location>, line: usize) -> Scope {
        let schema = root.and_then(|root| self.view.fields_of(root));
        let array = root.is_some_and(|root| self.view.is_array(root));
        let prefix = if array { "[]." } else { "" };
        let pointer = (!array).then(String::new);
        Scope::new(schema, prefix.to_owned(), pointer, line)
    }

    fn object(
        &mut self,
        root: Option<&Location>,
        ty: &'p str,
        line: usize,
        text: Option<&'p Text>,
    ) {
        let is_root = self.stack.is_empty() && self.pending.is_none();
        let scope = if is_root {
            Some(self.root_scope(root, line))
        } else {
            self.pending.take()
        };
        let path = scope
            .as_ref()
            .map(|s| {
                s.prefix
                    .trim_end_matches('.')
                    .trim_end_matches("[]")
                    .to_owned()
            })
            .unwrap_or_default();
        self.tree.objects.push(Object {
            line,
            ty,
            description: text,
            schema: scope.as_ref().and_then(|s| s.schema.clone()),
            root: is_root,
            unexpected: scope.is_none(),
            path,
        });
        if let Some(mut scope) = scope {
            scope.line = line;
            self.stack.push(scope);
        }
    }

    fn field(&mut self, root: Option<&Location>, entry: &'p Entry) {
        self.drop_pending();
        if self.stack.is_empty() {
            // No `object` line before the first field: the body's fields anyway.
            let scope = self.root_scope(root, entry.line);
            self.stack.push(scope);
        }
        let name = entry.name.as_str();
        let home = self.stack.iter().rposition(|scope| {
            !scope.seen.contains(name)
                && scope
                    .schema
                    .as_ref()
                    .is_some_and(|schema| self.view.has_property(schema, name))
        });
        let depth = home.unwrap_or(self.stack.len().saturating_sub(1));
        while self.stack.len() > depth + 1 {
            if let Some(scope) = self.stack.pop() {
                self.close(scope);
            }
        }
        let Some(scope) = self.stack.last_mut() else {
            return;
        };
        scope.seen.insert(name.to_owned());
        let inside_new = home.is_none() && scope.schema.is_none();
        let property = home
            .and(scope.schema.as_ref())
            .map(|schema| schema.join_all(["properties", name]));
        let path = format!("{}{name}", scope.prefix);
        let pointer = scope.pointer.as_ref().map(|p| format!("{p}/{name}"));
        let object = scope.schema.clone();
        if types::has_fields(&entry.ty.value) {
            let array = entry.ty.value.starts_with("Array of");
            let schema = property.as_ref().and_then(|p| self.view.fields_of(p));
            let prefix = format!("{path}{}", if array { "[]." } else { "." });
            let child_pointer = if array { None } else { pointer.clone() };
            self.pending = Some(Scope::new(schema, prefix, child_pointer, entry.line));
        }
        self.tree.fields.push(Placed {
            entry,
            path: path.clone(),
            pointer,
            property,
            object,
            after: self.previous.replace(path),
            inside_new,
        });
    }

    /// A field with fields whose `object` line never came: its fields are missing.
    fn drop_pending(&mut self) {
        if let Some(scope) = self.pending.take() {
            self.close(scope);
        }
    }

    fn close(&mut self, scope: Scope) {
        let Some(schema) = &scope.schema else {
            return;
        };
        for name in self.view.properties(schema) {
            if !scope.seen.contains(&name) {
                self.tree.missing.push(Missing {
                    path: format!("{}{name}", scope.prefix),
                    property: schema.join_all(["properties", &name]),
                    line: scope.line,
                });
            }
        }
    }
}
