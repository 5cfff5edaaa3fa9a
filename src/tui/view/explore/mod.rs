//! The Explore screen: the Requests, Items, Detail and Log panes, and over them its dialogs
//! (generate with its progress, query input, delete confirmation and progress).

mod confirm;
mod detail;
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
    requests::draw(frame, &areas, app);
    items::draw(frame, &areas, app);
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
        None => {}
    }
}
