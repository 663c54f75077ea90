import KringDomain

/// The refusals a page meets most, in the person's language. The service words its reasons in English for the CLI
/// and the API; a page recognises these few by their wording and says them in nl, fr or en (without the CLI's
/// `--from`), and shows any other reason as the service gave it.
extension PageText {
    func refusal(_ error: KringError) -> String {
        let reason = error.reason
        let known: (String, String, String)? =
            if reason == "a date must be written as YYYY-MM-DD, for example 2027-01-12" {
                (
                    "schrijf een datum als JJJJ-MM-DD, bijvoorbeeld 2027-01-12",
                    "écris une date sous la forme AAAA-MM-JJ, par exemple 2027-01-12",
                    "write a date as YYYY-MM-DD, for example 2027-01-12"
                )
            } else if reason == "there is no such date in the calendar" {
                ("die datum bestaat niet", "cette date n'existe pas", "there is no such date")
            } else if reason.hasPrefix("is before --from") {
                (
                    "de einddatum ligt vóór de begindatum", "la date de fin précède la date de début",
                    "the end date is before the start date"
                )
            } else if reason.hasPrefix("a blockout lasts at most a year") {
                (
                    "een periode duurt hoogstens een jaar; voeg er nog een toe voor langer",
                    "une période dure au plus un an ; ajoutes-en une autre pour plus longtemps",
                    "a period lasts at most a year; add another one for longer"
                )
            } else if reason.hasPrefix("this facilitator already has a blockout from") {
                ("die periode staat er al", "cette période est déjà enregistrée", "this period is already stored")
            } else if reason == "the session has not started yet; only 'excused' can be marked in advance" {
                (
                    "de bijeenkomst is nog niet begonnen; vooraf kan alleen 'verontschuldigd' genoteerd worden",
                    "la séance n'a pas encore commencé ; à l'avance, seul « excusé » peut être noté",
                    "the session has not started yet; only 'excused' can be marked in advance"
                )
            } else if reason == "was cancelled; there is no attendance to mark" {
                ("deze bijeenkomst is afgelast", "cette séance est annulée", "this session was cancelled")
            } else if reason == "has already started; its facilitators are history" {
                (
                    "deze bijeenkomst is al begonnen; afzeggen kan niet meer",
                    "cette séance a déjà commencé ; il est trop tard pour te désister",
                    "this session has already started; it can no longer be declined"
                )
            } else if reason == "the time range is written start-end, for example 18:00-22:00" {
                (
                    "schrijf de uren als begin-einde, bijvoorbeeld tu 18:00-22:00",
                    "écris les heures sous la forme début-fin, par exemple tu 18:00-22:00",
                    "write the hours as start-end, for example tu 18:00-22:00"
                )
            } else if reason == "the window ends before it starts; a window stays within one day" {
                (
                    "het einde ligt vóór het begin; een moment blijft binnen één dag",
                    "la fin précède le début ; une plage reste dans une seule journée",
                    "the end is before the start; a window stays within one day"
                )
            } else if reason.hasSuffix("is not enrolled or waiting in this group")
                || reason == "is not enrolled or waiting in any group"
            {
                (
                    "je bent niet (meer) ingeschreven in deze groep", "tu n'es pas (plus) inscrit·e dans ce groupe",
                    "you are not (or no longer) enrolled in this group"
                )
            } else {
                nil
            }
        guard let (nl, fr, en) = known else { return reason }
        switch language {
        case .nl: return nl
        case .fr: return fr
        default: return en
        }
    }
}
