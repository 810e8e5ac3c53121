//! French texts.
//!
//! Invariants: one arm per [`Msg`] (the match is exhaustive); French typography is
//! followed throughout: a no-break space U+00A0 (written `\u{a0}`) before `?`, `!`,
//! `:` and `;` and between a number and its unit, the typographic apostrophe `’`
//! (never `'`), the single-character ellipsis `…`; placeholders are the same as in
//! every other language.

use super::Msg;

/// The French text of `msg`, placeholders unfilled.
pub fn text(msg: Msg) -> &'static str {
    match msg {
        Msg::OpenChat => "Ouvrir le chat",
        Msg::CloseChat => "Fermer le chat",
        Msg::UnreadOne => "{count} message non lu",
        Msg::UnreadMany => "{count} messages non lus",
        Msg::WindowLabel => "Chat",
        Msg::ChatWith => "Discuter avec {name}",
        Msg::Close => "Fermer",
        Msg::AvatarOf => "Photo de {name}",
        Msg::BookMeeting => "Prendre rendez-vous",
        Msg::AwayNow => "Nous sommes absents pour le moment",
        Msg::ResponseFewMinutes => "Répond généralement en quelques minutes",
        Msg::ResponseWithinAnHour => "Répond généralement en moins d’une heure",
        Msg::ResponseFewHours => "Répond généralement en quelques heures",
        Msg::ResponseWithinADay => "Répond généralement dans la journée",
        Msg::ComposerPlaceholder => "Écrivez un message…",
        Msg::ComposerLabel => "Message",
        Msg::Send => "Envoyer",
        Msg::AttachFile => "Joindre un fichier",
        Msg::RemoveAttachment => "Retirer la pièce jointe",
        Msg::FileTooLarge => "Ce fichier est trop volumineux (max.\u{a0}{max})",
        Msg::FileTypeNotAllowed => "Ce type de fichier n’est pas autorisé",
        Msg::MessageTooLong => "Ce message est trop long (max.\u{a0}{max}\u{a0}caractères)",
        Msg::NewLineHint => "Maj+Entrée pour aller à la ligne",
        Msg::Uploading => "Envoi de {name} en cours…",
        Msg::DownloadFile => "Télécharger {name}",
        Msg::ImageAlt => "Image\u{a0}: {name}",
        Msg::Sending => "Envoi en cours…",
        Msg::Sent => "Envoyé",
        Msg::Seen => "Vu",
        Msg::NotSent => "Non envoyé",
        Msg::Retry => "Réessayer",
        Msg::NamedTyping => "{name} est en train d’écrire…",
        Msg::SomeoneTyping => "Quelqu’un est en train d’écrire…",
        Msg::MessageListLabel => "Messages",
        Msg::NewMessages => "Nouveaux messages",
        Msg::TranscriptRefusedTooMany => {
            "La transcription n’a pas pu être envoyée\u{a0}: trop de demandes"
        }
        Msg::TranscriptRefusedAddress => {
            "La transcription ne peut être envoyée qu’à l’adresse donnée en premier"
        }
        Msg::NotSentTooManyChats => "Trop de nouveaux chats depuis cet endroit\u{a0}; réessayez plus tard",
        Msg::NotSentConversationFull => "Cette conversation est pleine\u{a0}; démarrez un nouveau chat",
        Msg::BotHandOff => "Je vous mets en relation avec l’équipe…",
        Msg::BotNobodyAvailable => {
            "Personne de l’équipe n’est disponible pour le moment. Laissez votre adresse e-mail et nous vous répondrons par e-mail."
        }
        Msg::BotNobodyAvailableKnown => {
            "Personne de l’équipe n’est disponible pour le moment\u{a0}: nous vous répondrons par e-mail."
        }
        Msg::BotNotAnEmail => {
            "Cela ne ressemble pas à une adresse e-mail. Pouvez-vous la vérifier\u{a0}?"
        }
        Msg::BotReplyByEmail => "Merci\u{a0}! Nous vous répondrons à {email} par e-mail.",
        Msg::You => "Vous",
        Msg::Bot => "Bot",
        Msg::LoadEarlier => "Charger les messages précédents",
        Msg::QuickReplies => "Réponses suggérées",
        Msg::ChatEnded => "Ce chat est terminé",
        Msg::EndedByAgent => "L’agent a fermé ce chat",
        Msg::EndedByInactivity => "Ce chat a été fermé après une période d’inactivité",
        Msg::EndedByBot => "Le bot a mis fin à ce chat",
        Msg::StartNewChat => "Démarrer un nouveau chat",
        Msg::EmailTranscript => "M’envoyer la transcription par e-mail",
        Msg::YourEmail => "Votre adresse e-mail",
        Msg::InvalidEmail => "Saisissez une adresse e-mail valide",
        Msg::TranscriptSent => "Transcription envoyée à {email}",
        Msg::Welcome => "Bonjour ! 👋 Posez-nous vos questions, nous sommes là pour vous aider.",
        Msg::Offline => "Vous êtes hors ligne — vos messages seront envoyés à votre retour",
        Msg::LoadFailed => "Le chat n’a pas pu se charger\u{a0}: {reason}",
        Msg::PoweredBy => "Propulsé par sitechat",
        Msg::JustNow => "à l’instant",
        Msg::MinutesAgo => "il y a {n}\u{a0}min",
        Msg::HoursAgo => "il y a {n}\u{a0}h",
        Msg::YesterdayRelative => "hier",
    }
}
