//! Explore on a table of any key schema: the partitions pane, the items grid (key attributes
//! first, then the most frequent others; only the visible rows and the columns that fit are
//! drawn), the item in Detail (plain JSON or DynamoDB JSON), and the table picker, the query
//! builder and the delete confirmation.

use ratatui::Frame;
use ratatui::layout::{Constraint, Margin, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, Wrap};

use std::borrow::Cow;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::table::value::{pairs_to_ddb_json, pairs_to_plain_json, short_text};
use crate::tui::app::App;
use std::collections::BTreeSet;

use crate::table::items::Items;
use crate::tui::app::explore::any::{BUILDER_FIELDS, ConfirmAny, QueryBuilder, TablePicker};
use crate::tui::app::list::ListCursor;
use crate::tui::layout::{Areas, Pane};
use crate::tui::view::{centered, fit, heading, highlight, pane_block, thousands};

/// Widest a column of the items grid gets.
const MAX_COL_W: usize = 28;

/// Draws the partitions pane.
pub fn draw_partitions(frame: &mut Frame, areas: &Areas, app: &App) {
    let area = areas.requests;
    let focused = app.explore.focused(&app.session, Pane::Requests);
    let any = &app.explore.any;
    let key = app
        .explore
        .table
        .as_ref()
        .map_or("partition key".to_owned(), |t| t.hash().name.clone());
    let title = Line::from(format!(" {key} ({}) ", any.partitions.len()));
    frame.render_widget(pane_block(title, focused), area);
    let inner = area.inner(Margin::new(1, 1));
    if inner.height < 2 {
        return;
    }
    let rows_area = areas.rows(Pane::Requests);
    let window = any
        .cursor
        .window(any.partitions.len(), rows_area.height.into());
    let value_w = inner.width.saturating_sub(9);
    let rows: Vec<Row> = window
        .map(|i| {
            let p = &any.partitions[i];
            let style = if i == any.cursor.selected {
                highlight(focused)
            } else {
                Style::new()
            };
            Row::new(vec![
                Cell::from(fit(&p.label, value_w.into())),
                Cell::from(Line::from(thousands(p.items)).right_aligned()),
            ])
            .style(style)
        })
        .collect();
    let header = Row::new(vec![
        Cell::from("value"),
        Cell::from(Line::from("items").right_aligned()),
    ])
    .style(heading());
    let table_area = Rect {
        height: rows_area.height + 1,
        ..inner
    };
    frame.render_widget(
        Table::new(rows, [Constraint::Length(value_w), Constraint::Length(8)]).header(header),
        table_area,
    );
    let footer = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    let text = if any.scanned_all {
        "end of table (s scans again)"
    } else {
        "more… s reads the next page"
    };
    frame.render_widget(
        Paragraph::new(fit(text, inner.width.into())).style(Style::new().fg(Color::DarkGray)),
        footer,
    );
}

/// A grid of loaded items, as Explore's Items pane and the SQL console's results draw it.
pub struct Grid<'a> {
    /// The items.
    pub items: &'a Items,
    /// Columns: key attributes first.
    pub columns: &'a [String],
    /// Highlight and scroll.
    pub cursor: &'a ListCursor,
    /// Selected rows.
    pub selected: Option<&'a BTreeSet<usize>>,
    /// `Items (n) <label>` in the title.
    pub label: &'a str,
    /// What an empty grid says.
    pub empty: &'a str,
}

/// Draws the items grid.
pub fn draw_items(frame: &mut Frame, areas: &Areas, app: &App) {
    let any = &app.explore.any;
    let grid = Grid {
        items: &any.items,
        columns: &any.columns,
        cursor: &any.items_cursor,
        selected: Some(&any.selected),
        label: &any.items_label,
        empty: "No items loaded. Enter on a partition queries it; / opens the query builder.",
    };
    let focused = app.explore.focused(&app.session, Pane::Items);
    draw_grid(frame, areas.items, areas.rows(Pane::Items), &grid, focused);
}

/// Draws `grid` in `area`, its rows in `rows_area` (inside the border, under the header).
pub fn draw_grid(frame: &mut Frame, area: Rect, rows_area: Rect, grid: &Grid<'_>, focused: bool) {
    let mut title = vec![Span::raw(format!(
        " Items ({}) {} ",
        grid.items.len(),
        grid.label
    ))];
    let selected = grid.selected.filter(|s| !s.is_empty());
    if let Some(selected) = selected {
        title.push(Span::styled(
            format!("{} selected ", selected.len()),
            Style::new().fg(Color::Yellow),
        ));
    }
    let inner = area.inner(Margin::new(1, 1));
    if inner.height < 2 || grid.items.is_empty() {
        frame.render_widget(pane_block(Line::from(title.clone()), focused), area);
    }
    if inner.height < 2 {
        return;
    }
    if grid.items.is_empty() {
        frame.render_widget(
            Paragraph::new(grid.empty)
                .wrap(Wrap { trim: true })
                .style(Style::new().fg(Color::DarkGray)),
            inner,
        );
        return;
    }
    let window = grid
        .cursor
        .window(grid.items.len(), rows_area.height.into());
    // Columns that fit, each as wide as its widest visible value (capped).
    let mut widths: Vec<u16> = Vec::new();
    let mut used: u16 = 2;
    for col in grid.columns {
        let w = window
            .clone()
            .map(|i| {
                grid.items
                    .get(i, col)
                    .map_or(1, |v| short_text(v, MAX_COL_W).chars().count())
            })
            .chain([col.chars().count()])
            .max()
            .unwrap_or(1)
            .min(MAX_COL_W) as u16;
        if used + w + 1 > inner.width && !widths.is_empty() {
            break;
        }
        used += w + 1;
        widths.push(w);
    }
    let shown = widths.len();
    // Columns that did not fit are named in the bottom border, never over a row.
    let mut block = pane_block(Line::from(title), focused);
    if shown < grid.columns.len() {
        block = block.title_bottom(
            Line::from(format!(
                " {} more attribute(s) in Detail ",
                grid.columns.len() - shown
            ))
            .style(Style::new().fg(Color::DarkGray)),
        );
    }
    frame.render_widget(block, area);
    let rows: Vec<Row> = window
        .map(|i| {
            let mark = if selected.is_some_and(|s| s.contains(&i)) {
                "●"
            } else {
                " "
            };
            let mut cells = vec![Cell::from(mark)];
            for (col, w) in grid.columns.iter().zip(&widths) {
                cells.push(Cell::from(
                    grid.items
                        .get(i, col)
                        .map_or(String::new(), |v| short_text(v, usize::from(*w))),
                ));
            }
            let style = if i == grid.cursor.selected {
                highlight(focused)
            } else {
                Style::new()
            };
            Row::new(cells).style(style)
        })
        .collect();
    let mut header_cells = vec![Cell::from(" ")];
    for (col, w) in grid.columns.iter().zip(&widths) {
        header_cells.push(Cell::from(fit(col, usize::from(*w))));
    }
    let mut constraints = vec![Constraint::Length(1)];
    constraints.extend(widths.iter().map(|w| Constraint::Length(*w)));
    let table_area = Rect {
        height: rows_area.height + 1,
        ..inner
    };
    frame.render_widget(
        Table::new(rows, constraints).header(Row::new(header_cells).style(heading())),
        table_area,
    );
}

/// The highlighted item for Detail, as plain JSON or DynamoDB JSON, cut to what `area` can
/// show (an item can be 400 KB; the size is in the title): `None` when none is highlighted.
pub fn detail_text(app: &App, area: Rect) -> Option<(String, String)> {
    let any = &app.explore.any;
    item_detail(&any.items, any.items_cursor.selected, any.ddb_json, area)
}

/// Item `row` of `items` for a Detail pane of `area`, as plain JSON or (`ddb_json`) DynamoDB
/// JSON: (title, text).
pub fn item_detail(
    items: &Items,
    row: usize,
    ddb_json: bool,
    area: Rect,
) -> Option<(String, String)> {
    let pairs = items.pairs(row)?;
    let size: usize = pairs
        .iter()
        .map(|(k, v)| k.len() + crate::size::value_size(v))
        .sum();
    // Drawn every frame: a string longer than the pane can show is cut before it is written
    // out (an item can be 400 KB; its size is in the title).
    let visible = usize::from(area.width) * usize::from(area.height);
    let cut: Vec<(&str, Cow<'_, AttributeValue>)> = pairs
        .into_iter()
        .map(|(k, v)| match v {
            AttributeValue::S(s) if s.len() > visible => {
                let shown: String = s.chars().take(visible).collect();
                (k, Cow::Owned(AttributeValue::S(shown + "…")))
            }
            _ => (k, Cow::Borrowed(v)),
        })
        .collect();
    let shown: Vec<(&str, &AttributeValue)> = cut.iter().map(|(k, v)| (*k, v.as_ref())).collect();
    let text = if ddb_json {
        serde_json::to_string_pretty(&pairs_to_ddb_json(&shown)).unwrap_or_default()
    } else {
        // Plain JSON keeps every digit; through serde_json's numbers it would not.
        pairs_to_plain_json(&shown)
    };
    let text = if text.len() > visible {
        text.chars().take(visible).collect::<String>() + "…"
    } else {
        text
    };
    let title = format!(
        " Detail: {} B, {} WCU to write or delete ({}) ",
        thousands(size as u64),
        crate::size::write_units(size),
        if ddb_json {
            "DynamoDB JSON; T: plain"
        } else {
            "plain JSON; T: every type"
        }
    );
    Some((title, text))
}

/// The table picker.
pub fn draw_picker(frame: &mut Frame, area: Rect, picker: &TablePicker, current: &str) {
    let popup = centered(
        area,
        area.width.saturating_sub(8).min(110),
        area.height.saturating_sub(6).min(24),
    );
    frame.render_widget(Clear, popup);
    let block = Block::bordered()
        .title(format!(" Tables: filter {:?} ", picker.filter))
        .border_style(Style::new().fg(Color::Cyan));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let Some(_) = &picker.names else {
        frame.render_widget(Paragraph::new("listing the tables (ListTables)…"), inner);
        return;
    };
    let shown = picker.shown();
    if shown.is_empty() {
        frame.render_widget(Paragraph::new("no table matches: Backspace"), inner);
        return;
    }
    // The last line says where the counts come from.
    let height = usize::from(inner.height.saturating_sub(2));
    let window = picker.cursor.window(shown.len(), height);
    let wide = inner.width >= 100;
    let rows: Vec<Row> = window
        .map(|i| {
            let name = shown[i];
            let style = if i == picker.cursor.selected {
                highlight(true)
            } else if name == current {
                Style::new().add_modifier(Modifier::BOLD)
            } else {
                Style::new()
            };
            let Some(t) = picker.described(name) else {
                let waiting = Style::new().fg(Color::DarkGray);
                return Row::new(vec![
                    Cell::from(name.to_owned()),
                    Cell::from("describing…").style(waiting),
                ])
                .style(style);
            };
            let mut cells = vec![
                Cell::from(t.name.clone()),
                Cell::from(t.key_text()),
                Cell::from(if t.billing_mode == "PAY_PER_REQUEST" {
                    "on-demand"
                } else {
                    "provisioned"
                }),
                Cell::from(
                    Line::from(format!("~{}", thousands(t.item_count.max(0) as u64)))
                        .right_aligned(),
                ),
                Cell::from(
                    Line::from(format!(
                        "~{}",
                        crate::store::human_bytes(t.size_bytes.max(0) as u64)
                    ))
                    .right_aligned(),
                ),
            ];
            if wide {
                let indexes: Vec<String> = t
                    .gsis
                    .iter()
                    .map(|i| format!("GSI {}", i.name))
                    .chain(t.lsis.iter().map(|i| format!("LSI {}", i.name)))
                    .chain(t.ttl_attribute.iter().map(|a| format!("TTL {a}")))
                    .collect();
                cells.push(Cell::from(indexes.join(", ")));
            }
            Row::new(cells).style(style)
        })
        .collect();
    let mut names = vec!["table", "keys", "billing", "items", "size"];
    let mut widths = vec![
        Constraint::Fill(2),
        Constraint::Fill(3),
        Constraint::Length(11),
        Constraint::Length(12),
        Constraint::Length(10),
    ];
    if wide {
        names.push("indexes, TTL");
        widths.push(Constraint::Fill(2));
    }
    let list = Rect {
        height: inner.height.saturating_sub(1),
        ..inner
    };
    frame.render_widget(
        Table::new(rows, widths).header(Row::new(names).style(heading())),
        list,
    );
    let footer = Rect {
        y: inner.y + inner.height.saturating_sub(1),
        height: 1,
        ..inner
    };
    frame.render_widget(
        Paragraph::new(fit(
            "~ items and size: DescribeTable's approximate figures (refreshed about every 6 hours)",
            inner.width.into(),
        ))
        .style(Style::new().fg(Color::DarkGray)),
        footer,
    );
}

/// The query builder.
pub fn draw_builder(frame: &mut Frame, area: Rect, b: &QueryBuilder, app: &App) {
    let popup = centered(area, area.width.saturating_sub(8).min(90), 16);
    frame.render_widget(Clear, popup);
    let table = app.explore.table.as_ref();
    let keys = table.map_or(String::new(), |t| t.key_text());
    let indexes: Vec<String> = table
        .map(|t| {
            t.gsis
                .iter()
                .chain(&t.lsis)
                .map(|i| i.name.clone())
                .collect()
        })
        .unwrap_or_default();
    let hints = [
        if indexes.is_empty() {
            "(none: the table)".to_owned()
        } else {
            format!("empty: the table; or {}", indexes.join(", "))
        },
        "typed by the key's type".to_owned(),
        "= 5, < 5, >= 5, begins_with ab, between 1 and 9".to_owned(),
        "e.g. status = :s  (names are aliased for you)".to_owned(),
        "e.g. {\":s\": \"open\"}".to_owned(),
        "e.g. pk, total".to_owned(),
        "asc or desc".to_owned(),
        "items read in one page".to_owned(),
    ];
    let mut lines = vec![Line::from(format!("keys: {keys}"))];
    for (i, name) in BUILDER_FIELDS.iter().enumerate() {
        let active = i == b.field;
        let style = if active {
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{}{name:>13}: ", if active { "▶" } else { " " }),
                style,
            ),
            Span::raw(b.fields[i].clone()),
            Span::styled(if active { "█" } else { "" }, style),
            Span::styled(format!("  {}", hints[i]), Style::new().fg(Color::DarkGray)),
        ]));
    }
    lines.push(Line::from(format!(
        "reads: {}{}",
        crate::tui::app::read_mode(app.explore.consistent),
        if app.explore.consistent {
            " (c toggles; refused on a GSI)"
        } else {
            " (c toggles)"
        }
    )));
    if let Some(e) = &b.error {
        for l in e.lines() {
            lines.push(Line::styled(l.to_owned(), Style::new().fg(Color::LightRed)));
        }
    }
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .title(" Query ")
                .border_style(Style::new().fg(Color::Cyan)),
        ),
        popup,
    );
}

/// "Delete N items (W WCU)?".
pub fn draw_confirm(frame: &mut Frame, area: Rect, c: &ConfirmAny, table: &str) {
    let popup = centered(area, 68, 9);
    frame.render_widget(Clear, popup);
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let n = c.keys.len();
    let lines = vec![
        Line::styled(
            format!(
                "Delete {n} item{} of {table}",
                if n == 1 { "" } else { "s" }
            ),
            bold,
        ),
        Line::raw(""),
        Line::raw(format!(
            "{} WCU by DynamoDB's rule: one DeleteItem per key, each item's size rounded up to 1 KB (indexes holding it charge their own).",
            thousands(c.write_units)
        )),
        Line::raw(""),
        Line::styled(
            "y delete    n / Esc keep",
            Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
        ),
    ];
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(" Delete? ")
                .border_style(Style::new().fg(Color::Red)),
        ),
        popup,
    );
}
