//! The Explore screen: the Requests, Items, Detail and Log panes, and over them its dialogs
//! (generate with its progress, query input, delete confirmation and progress).

pub(super) mod any;
mod confirm;
pub(super) mod detail;
mod generate_dialog;
mod items;
pub mod log;
mod query_input;
mod requests;

use ratatui::Frame;

use crate::tui::app::{App, Modal, What};
use crate::tui::layout::Areas;

/// Draws the panes and the open dialog.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let Some(areas) = Areas::of(area) else {
        return;
    };
    if app.explore.generic() {
        any::draw_partitions(frame, &areas, app);
        any::draw_items(frame, &areas, app);
    } else {
        requests::draw(frame, &areas, app);
        items::draw(frame, &areas, app);
    }
    detail::draw(frame, areas.detail, app);
    log::draw(frame, &areas, app);

    let explore = &app.explore;
    let limits = &app.session.limits;
    if let Some((job, what)) = app.session.long_job_context() {
        match (what, &explore.modal) {
            (What::Generate { spec, .. }, Some(Modal::Generate(form))) => {
                generate_dialog::draw(frame, area, form, Some((job, spec)), limits);
            }
            (What::Generate { spec, .. }, _) => {
                generate_dialog::draw(frame, area, &Default::default(), Some((job, spec)), limits);
            }
            (What::Delete { .. }, _) => confirm::draw_progress(frame, area, job, what),
            _ => {}
        }
        return;
    }
    match &explore.modal {
        Some(Modal::Generate(form)) => generate_dialog::draw(frame, area, form, None, limits),
        Some(Modal::Query(input)) => query_input::draw(frame, area, input, explore.consistent),
        Some(Modal::Confirm(confirm)) => confirm::draw(frame, area, confirm),
        Some(Modal::Tables(picker)) => {
            any::draw_picker(frame, area, picker, &app.session.conn.table)
        }
        Some(Modal::Builder(b)) => any::draw_builder(frame, area, b, app),
        Some(Modal::ConfirmAny(c)) => any::draw_confirm(frame, area, c, &app.session.conn.table),
        None => {}
    }
}
