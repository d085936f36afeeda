//! Tokens: what the preprocessor produces and the parser consumes.

use crate::intern::Sym;
use crate::source::Span;

/// Punctuators of C (and the preprocessor's `#` and `##`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Punct {
    LBracket,
    RBracket,
    LParen,
    RParen,
    LBrace,
    RBrace,
    Dot,
    Arrow,
    PlusPlus,
    MinusMinus,
    Amp,
    Star,
    Plus,
    Minus,
    Tilde,
    Bang,
    Slash,
    Percent,
    Shl,
    Shr,
    Lt,
    Gt,
    Le,
    Ge,
    EqEq,
    Ne,
    Caret,
    Pipe,
    AmpAmp,
    PipePipe,
    Question,
    Colon,
    Semi,
    Ellipsis,
    Assign,
    StarAssign,
    SlashAssign,
    PercentAssign,
    PlusAssign,
    MinusAssign,
    ShlAssign,
    ShrAssign,
    AmpAssign,
    CaretAssign,
    PipeAssign,
    Comma,
    Hash,
    HashHash,
}

impl Punct {
    pub fn as_str(self) -> &'static str {
        use Punct::*;
        match self {
            LBracket => "[",
            RBracket => "]",
            LParen => "(",
            RParen => ")",
            LBrace => "{",
            RBrace => "}",
            Dot => ".",
            Arrow => "->",
            PlusPlus => "++",
            MinusMinus => "--",
            Amp => "&",
            Star => "*",
            Plus => "+",
            Minus => "-",
            Tilde => "~",
            Bang => "!",
            Slash => "/",
            Percent => "%",
            Shl => "<<",
            Shr => ">>",
            Lt => "<",
            Gt => ">",
            Le => "<=",
            Ge => ">=",
            EqEq => "==",
            Ne => "!=",
            Caret => "^",
            Pipe => "|",
            AmpAmp => "&&",
            PipePipe => "||",
            Question => "?",
            Colon => ":",
            Semi => ";",
            Ellipsis => "...",
            Assign => "=",
            StarAssign => "*=",
            SlashAssign => "/=",
            PercentAssign => "%=",
            PlusAssign => "+=",
            MinusAssign => "-=",
            ShlAssign => "<<=",
            ShrAssign => ">>=",
            AmpAssign => "&=",
            CaretAssign => "^=",
            PipeAssign => "|=",
            Comma => ",",
            Hash => "#",
            HashHash => "##",
        }
    }
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An identifier or keyword (keywords are `Sym`s below `KEYWORDS.len()`).
    Ident(Sym),
    /// A preprocessing number, as spelled (`0x1fULL`, `10`, `1.5e3`).
    Number(Sym),
    /// A character constant as spelled, quotes and prefix included (`'a'`, `L'\n'`).
    Char(Sym),
    /// A string literal as spelled, quotes and prefix included (`"a\n"`, `u8"x"`).
    Str(Sym),
    Punct(Punct),
    /// A character that fits no other token (a stray `@` or `\`).
    Other(char),
    Eof,
}

/// Identifies one macro expansion in [`Expansions`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub struct ExpansionId(std::num::NonZeroU32);

impl ExpansionId {
    /// The id of the `index`th expansion. Stored plus one, so that an
    /// `Option<ExpansionId>` (one per token) takes four bytes, not eight.
    pub fn new(index: usize) -> ExpansionId {
        let n = u32::try_from(index + 1).expect("fewer than 2^32 macro expansions");
        ExpansionId(std::num::NonZeroU32::new(n).expect("index + 1 is not zero"))
    }

    /// The expansion's index in the expansion table.
    pub fn index(self) -> usize {
        self.0.get() as usize - 1
    }
}

/// One macro expansion: which macro, where it was invoked, and the expansion it
/// happened inside (for nested macros).
#[derive(Clone, Debug)]
pub struct Expansion {
    pub macro_name: Sym,
    pub call_site: Span,
    /// The macro's `#define`.
    pub definition: Span,
    pub parent: Option<ExpansionId>,
}

#[derive(Copy, Clone, Debug)]
pub struct Token {
    pub kind: TokenKind,
    /// Where the token is in the user's source. A token that comes out of a macro
    /// expansion gets the span of the outermost macro invocation (clang's
    /// "expansion location"), so diagnostics and line info point at the code the
    /// user wrote; `expansion` says which macro it came from.
    pub span: Span,
    /// The macro expansion this token came out of, if any.
    pub expansion: Option<ExpansionId>,
    /// Whitespace precedes the token (needed to print `-E` output faithfully).
    pub leading_space: bool,
    /// First token on its line.
    pub at_line_start: bool,
}

impl Token {
    pub fn is_punct(&self, p: Punct) -> bool {
        self.kind == TokenKind::Punct(p)
    }

    pub fn is_ident(&self, s: Sym) -> bool {
        self.kind == TokenKind::Ident(s)
    }
}
