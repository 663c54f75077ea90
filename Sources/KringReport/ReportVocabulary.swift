import Foundation

/// The words of the report in its three languages; ids are the figures', tables' and categories' ids.
public struct ReportVocabulary: Sendable {
    public let language: ReportLanguage

    public init(_ language: ReportLanguage) {
        self.language = language
    }

    /// The label for `id` in the report's language; the id itself when there is none (a group's name).
    public func callAsFunction(_ id: String) -> String {
        guard let words = Self.words[id] else { return id }
        switch language {
        case .nl: return words.0
        case .fr: return words.1
        case .en: return words.2
        }
    }

    private static let words: [String: (String, String, String)] = [
        "report.title": (
            "Jaarverslag lotgenotengroepen", "Rapport annuel des groupes de parole",
            "Annual report of the peer-support groups"
        ),
        "report.period": ("Periode", "Période", "Period"),
        "report.note": (
            "Aantallen personen onder %d worden getoond als <%d; sommige andere cellen zijn verborgen zodat ze niet terug te rekenen zijn.",
            "Les nombres de personnes inférieurs à %d sont affichés comme <%d ; d'autres cellules sont masquées pour qu'on ne puisse pas les recalculer.",
            "Counts of people under %d are shown as <%d; some other cells are hidden so that they cannot be worked out."
        ),
        "groups-run": ("Groepen die samenkwamen", "Groupes réunis", "Groups run"),
        "sessions-held": ("Bijeenkomsten gehouden", "Séances tenues", "Sessions held"),
        "sessions-cancelled": ("Bijeenkomsten geannuleerd", "Séances annulées", "Sessions cancelled"),
        "places-offered": ("Plaatsen aangeboden", "Places offertes", "Places offered"),
        "places-filled": ("Plaatsen ingenomen", "Places occupées", "Places filled"),
        "waitlist-joined": ("Op de wachtlijst gezet", "Inscrits en liste d'attente", "Joined the waitlist"),
        "waitlist-size": ("Wachtlijst op het einde", "Liste d'attente à la fin", "Waitlist at the end"),
        "median-wait": ("Mediane wachttijd (dagen)", "Attente médiane (jours)", "Median wait (days)"),
        "facilitator-hours": ("Uren begeleiding", "Heures d'animation", "Facilitator hours"),
        "staffing-gaps": ("Onbezette begeleidersplaatsen", "Places d'animateur non pourvues", "Staffing gaps"),
        "invites-delivered": ("Uitnodigingen bezorgd", "Invitations remises", "Invites delivered"),
        "attendance-rate": ("Aanwezigheid (%)", "Présence (%)", "Attendance (%)"),
        "participants-by-relation": ("Deelnemers per relatie", "Participants par relation", "Participants by relation"),
        "participants-by-language": ("Deelnemers per taal", "Participants par langue", "Participants by language"),
        "participants-by-audience": ("Deelnemers per doelgroep", "Participants par public", "Participants by audience"),
        "groups": ("Groepen", "Groupes", "Groups"),
        "places": (
            "Plaatsen en wachtlijst per groep", "Places et liste d'attente par groupe", "Places and waitlist per group"
        ),
        "attendance-by-month": ("Aanwezigheid per maand", "Présence par mois", "Attendance per month"),
        "withdrawals-by-reason": ("Uitstroom per reden", "Départs par motif", "Withdrawals by reason"),
        "group": ("Groep", "Groupe", "Group"),
        "month": ("Maand", "Mois", "Month"),
        "relation": ("Relatie", "Relation", "Relation"),
        "language": ("Taal", "Langue", "Language"),
        "audience": ("Doelgroep", "Public", "Audience"),
        "reason": ("Reden", "Motif", "Reason"),
        "count": ("Aantal", "Nombre", "Count"),
        "new": ("Nieuw", "Nouveaux", "New"),
        "continuing": ("Terugkerend", "Déjà connus", "Continuing"),
        "total": ("Totaal", "Total", "Total"),
        "figure": ("Cijfer", "Chiffre", "Figure"),
        "value": ("Waarde", "Valeur", "Value"),
        "relation.partner": ("Partner", "Partenaire", "Partner"),
        "relation.parent": ("Ouder", "Parent", "Parent"),
        "relation.child": ("Kind", "Enfant", "Child"),
        "relation.sibling": ("Broer of zus", "Frère ou sœur", "Sibling"),
        "relation.other-family": ("Andere familie", "Autre famille", "Other family"),
        "relation.friend": ("Vriend(in)", "Ami(e)", "Friend"),
        "relation.other": ("Andere", "Autre", "Other"),
        "language.nl": ("Nederlands", "Néerlandais", "Dutch"),
        "language.fr": ("Frans", "Français", "French"),
        "language.en": ("Engels", "Anglais", "English"),
        "language.de": ("Duits", "Allemand", "German"),
        "audience.partners": ("Partners", "Partenaires", "Partners"),
        "audience.parents": ("Ouders", "Parents", "Parents"),
        "audience.family": ("Familie", "Famille", "Family"),
        "audience.friends": ("Vrienden", "Amis", "Friends"),
        "audience.mixed": ("Gemengd", "Mixte", "Mixed"),
        "reason.helped": ("Geholpen", "Aidé", "Helped"),
        "reason.other-help": ("Andere hulp", "Autre aide", "Other help"),
        "reason.practical": ("Praktisch", "Pratique", "Practical"),
        "reason.not-a-fit": ("Paste niet", "Ne convenait pas", "Not a fit"),
        "reason.unstated": ("Niet vermeld", "Non précisé", "Unstated"),
    ]

    /// A month's name, `1...12`.
    public func month(_ number: Int) -> String {
        let names: [String]
        switch language {
        case .nl:
            names = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
        case .fr:
            names = ["janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct", "nov", "déc"]
        case .en:
            names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        }
        return names[(number - 1) % 12]
    }
}
