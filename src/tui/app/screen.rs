//! The screens, shown as tabs: which one is in front, and how each is named and reached.

use ratatui::crossterm::event::KeyCode;

/// One screen of the TUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScreenId {
    /// Requests, items, the operations log: today's panes.
    #[default]
    Explore,
    /// Experiments that show how DynamoDB behaves.
    Labs,
    /// The bill of the request table in production.
    Cost,
    /// A PartiQL console.
    Sql,
}

impl ScreenId {
    /// Tab order.
    pub const ALL: [ScreenId; 4] = [
        ScreenId::Explore,
        ScreenId::Labs,
        ScreenId::Cost,
        ScreenId::Sql,
    ];

    /// The number shown on its tab and typed to reach it.
    pub fn number(self) -> u8 {
        match self {
            ScreenId::Explore => 1,
            ScreenId::Labs => 2,
            ScreenId::Cost => 3,
            ScreenId::Sql => 4,
        }
    }

    /// Its tab title.
    pub fn title(self) -> &'static str {
        match self {
            ScreenId::Explore => "Explore",
            ScreenId::Labs => "Labs",
            ScreenId::Cost => "Cost",
            ScreenId::Sql => "SQL",
        }
    }

    /// The screen a key switches to: `1`-`4` (when no text is being typed) or `F1`-`F4`.
    pub fn for_key(code: KeyCode, typing: bool) -> Option<ScreenId> {
        let n = match code {
            KeyCode::F(n) => n,
            KeyCode::Char(c @ '1'..='4') if !typing => c as u8 - b'0',
            _ => return None,
        };
        ScreenId::ALL.into_iter().find(|s| s.number() == n)
    }
}
