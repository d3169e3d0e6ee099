//! The languages helpbot speaks and how a requested language tag maps onto them.

use serde::{Deserialize, Serialize};

/// A supported locale. Every piece of content exists in each of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Locale {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The BCP 47 tag used for folders (`locales/zh-CN/`) and file sections (`::: zh-CN`).
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// Negotiates a requested tag: any Chinese variant (zh, zh-Hans, zh-TW …) is zh-CN, any English
    /// variant is en; anything else is not supported.
    pub fn negotiate(requested: &str) -> Option<Locale> {
        let primary = requested
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" | "cn" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }
}

impl std::fmt::Display for Locale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

impl std::str::FromStr for Locale {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Locale::negotiate(s).ok_or_else(|| format!("unsupported language '{s}' (use zh-CN or en)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_variants_map_to_zh_cn() {
        for tag in ["zh", "zh-Hans", "zh-CN", "zh_TW", "ZH-hant"] {
            assert_eq!(Locale::negotiate(tag), Some(Locale::ZhCn), "{tag}");
        }
        assert_eq!(Locale::negotiate("en-GB"), Some(Locale::En));
        assert_eq!(Locale::negotiate("fr"), None);
    }
}
