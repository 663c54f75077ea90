import KringDomain

/// The words of the pages in Dutch, French and English, chosen by the person's language (German readers get
/// English until the pages are translated).
struct PageText: Sendable {
    enum Key: Sendable {
        case mySessions, myNextSessions, noSessions, session, date, time, place, online, role, lead, cofacilitator
        case coFacilitators, nobody, open, roster, present, absent, excused, unmarked, everyonePresent, markedAs
        case cantCome, cantComeDone, cantComeExplain, moved, cancelled, was, withdraw, withdrawTitle, withdrawExplain
        case withdrawConfirm, withdrawDone, back, signOut, signedOut, linkUsed, notFound, formExpired, refused
        case myGroups, waiting, enrolled, facilitator, attendanceOpensAtStart
        case blockouts, blockoutsExplain, from, to, addBlockout, removeBlockout, noBlockouts, decline, declineTitle,
            declineExplain
        case declineConfirm, declineDone, declineTakenBy, declineOpen, calendar, changeMarkTitle, changeMarkExplain
        case confirmChange, subscribe, subscribeExplain, subscribeButton, subscribeDone, subscribeScan,
            subscribeScanLabel
        case busy, busyExplain, busyFile, busyUpload, busyDone, clashes
        case availability, availabilityExplain, window, anyTime, save, currentWindows
    }

    let language: Language

    var code: String {
        switch language {
        case .nl: "nl"
        case .fr: "fr"
        default: "en"
        }
    }

    subscript(_ key: Key) -> String {
        let (nl, fr, en) = Self.words(key)
        switch language {
        case .nl: return nl
        case .fr: return fr
        default: return en
        }
    }

    // swift-format-ignore
    private static func words(_ key: Key) -> (String, String, String) {
        switch key {
        case .mySessions: ("Mijn bijeenkomsten", "Mes séances", "My sessions")
        case .myNextSessions: ("Mijn volgende bijeenkomsten", "Mes prochaines séances", "My next sessions")
        case .noSessions: ("Geen bijeenkomsten gepland.", "Aucune séance prévue.", "No sessions planned.")
        case .session: ("Bijeenkomst", "Séance", "Session")
        case .date: ("Datum", "Date", "Date")
        case .time: ("Uur", "Heure", "Time")
        case .place: ("Plaats", "Lieu", "Place")
        case .online: ("Online", "En ligne", "Online")
        case .role: ("Rol", "Rôle", "Role")
        case .lead: ("begeleider (leiding)", "animateur principal", "lead facilitator")
        case .cofacilitator: ("co-begeleider", "co-animateur", "co-facilitator")
        case .coFacilitators: ("Samen met", "Avec", "Together with")
        case .nobody: ("nog niemand", "personne encore", "no one yet")
        case .open: ("Openen", "Ouvrir", "Open")
        case .roster: ("Aanwezigheden", "Présences", "Attendance")
        case .present: ("aanwezig", "présent", "present")
        case .absent: ("afwezig", "absent", "absent")
        case .excused: ("verontschuldigd", "excusé", "excused")
        case .unmarked: ("nog niet aangeduid", "pas encore indiqué", "not marked yet")
        case .everyonePresent: ("Iedereen aanwezig", "Tout le monde présent", "Everyone present")
        case .markedAs: ("Aangeduid", "Indiqué", "Marked")
        case .cantCome: ("Ik kan deze keer niet komen", "Je ne peux pas venir cette fois", "I can't come this time")
        case .cantComeDone:
            ("Genoteerd: je bent verontschuldigd. De begeleiders zien het.",
             "C'est noté : tu es excusé·e. Les animateurs le voient.",
             "Noted: you are excused. The facilitators can see it.")
        case .cantComeExplain:
            ("De begeleiders zien dat je verontschuldigd bent.", "Les animateurs verront que tu es excusé·e.",
             "The facilitators will see that you are excused.")
        case .moved: ("verplaatst", "déplacée", "moved")
        case .cancelled: ("afgelast", "annulée", "cancelled")
        case .was: ("was", "était", "was")
        case .withdraw: ("Uitschrijven", "Me désinscrire", "Leave this group")
        case .withdrawTitle: ("Uitschrijven uit de groep?", "Quitter le groupe ?", "Leave the group?")
        case .withdrawExplain:
            ("Je plaats gaat naar wie op de wachtlijst staat. Je krijgt een annulering voor je agenda en je ziet deze "
                + "groep hier niet meer. Terugkomen kan alleen via de coördinator: bel of mail hen.",
             "Ta place ira à la personne suivante sur la liste d'attente. Tu recevras une annulation pour ton "
                + "agenda et ce groupe n'apparaîtra plus ici. Pour revenir, contacte le coordinateur.",
             "Your seat goes to the next person waiting. Your calendar gets a cancellation and this group no longer "
                + "shows here. To come back, call or write to the coordinator.")
        case .withdrawConfirm: ("Ja, schrijf me uit", "Oui, me désinscrire", "Yes, take me off the group")
        case .withdrawDone:
            ("Je bent uitgeschreven. Bedankt om het te laten weten.", "Tu es désinscrit·e. Merci de nous l'avoir dit.",
             "You have left the group. Thank you for letting us know.")
        case .back: ("Terug", "Retour", "Back")
        case .signOut: ("Afmelden", "Se déconnecter", "Sign out")
        case .signedOut: ("Je bent afgemeld.", "Tu es déconnecté·e.", "You are signed out.")
        case .linkUsed:
            ("Deze link werkt niet (meer). Vraag een nieuwe aan de coördinator.",
             "Ce lien ne fonctionne pas (plus). Demande-en un nouveau au coordinateur.",
             "This link does not work (any more). Ask the coordinator for a new one.")
        case .notFound: ("Niet gevonden.", "Introuvable.", "Not found.")
        case .formExpired:
            ("Dit formulier is verlopen; er is niets veranderd. Probeer opnieuw.",
             "Ce formulaire a expiré ; rien n'a changé. Réessaie.",
             "This form has expired; nothing was changed. Please try again.")
        case .refused: ("Dat lukte niet:", "Cela n'a pas fonctionné :", "That did not work:")
        case .myGroups: ("Mijn groepen", "Mes groupes", "My groups")
        case .waiting: ("op de wachtlijst", "sur la liste d'attente", "on the waiting list")
        case .enrolled: ("ingeschreven", "inscrit·e", "enrolled")
        case .facilitator: ("Begeleider", "Animateur", "Facilitator")
        case .attendanceOpensAtStart:
            ("Aanwezig of afwezig aanduiden kan vanaf het begin van de bijeenkomst.",
             "Présent ou absent s'indique dès le début de la séance.",
             "Present or absent can be marked once the session has started.")
        case .blockouts: ("Wanneer ik niet kan", "Mes indisponibilités", "When I am away")
        case .blockoutsExplain:
            ("Dagen waarop je geen bijeenkomst krijgt, bv. je vakantie. Bij de volgende planning houdt Kring ermee "
                + "rekening.",
             "Les jours où tu n'animes pas de séance, p. ex. tes vacances. La prochaine planification en tient compte.",
             "Days you get no session, such as your holiday. The next planning run takes them into account.")
        case .from: ("Van (eerste dag)", "Du (premier jour)", "From (first day)")
        case .to: ("Tot en met (laatste dag)", "Au (dernier jour, inclus)", "To (last day, included)")
        case .addBlockout: ("Toevoegen", "Ajouter", "Add")
        case .removeBlockout: ("Verwijderen", "Supprimer", "Remove")
        case .noBlockouts: ("Nog geen.", "Aucune pour l'instant.", "None yet.")
        case .decline: ("Ik kan deze bijeenkomst niet", "Je ne peux pas animer cette séance", "I can't do this session")
        case .declineTitle: ("Bijeenkomst afzeggen?", "Renoncer à cette séance ?", "Decline this session?")
        case .declineExplain:
            ("Je wordt van deze bijeenkomst gehaald. Kring zoekt meteen iemand anders; lukt dat niet, dan blijft de "
                + "plaats open en ziet de coördinator dat. Je andere bijeenkomsten blijven zoals ze zijn.",
             "Tu es retiré·e de cette séance. Kring cherche aussitôt quelqu'un d'autre ; sinon la place reste libre et "
                + "le coordinateur le voit. Tes autres séances ne changent pas.",
             "You are taken off this session. Kring looks for someone else at once; if no one can, the place stays "
                + "open and the coordinator sees it. Your other sessions stay as they are.")
        case .declineConfirm: ("Ja, zeg af", "Oui, renoncer", "Yes, decline")
        case .declineDone: ("Afgezegd.", "C'est fait.", "Declined.")
        case .declineTakenBy: ("Nu ingepland:", "Maintenant prévu·e :", "Now planned:")
        case .declineOpen:
            ("Nog niemand gevonden; de coördinator ziet dat de plaats open is.",
             "Personne pour l'instant ; le coordinateur voit que la place est libre.",
             "No one found yet; the coordinator sees that the place is open.")
        case .calendar: ("In mijn agenda (.ics)", "Dans mon agenda (.ics)", "Add to my calendar (.ics)")
        case .changeMarkTitle: ("Aanduiding wijzigen?", "Modifier l'indication ?", "Change the mark?")
        case .changeMarkExplain: ("Al aangeduid als", "Déjà indiqué comme", "Already marked as")
        case .confirmChange: ("Ja, wijzig naar", "Oui, changer en", "Yes, change to")
        case .availability: ("Wanneer ik kan", "Mes disponibilités", "When I am available")
        case .availabilityExplain:
            ("Vaste momenten per week, bv. \"di 18:00-22:00\" (ma di wo do vr za zo als mo tu we th fr sa su). Geen "
                + "enkel moment: altijd beschikbaar.",
             "Des plages fixes par semaine, p. ex. \"tu 18:00-22:00\" (mo tu we th fr sa su). Aucune plage : toujours "
                + "disponible.",
             "Fixed weekly windows, such as \"tu 18:00-22:00\" (mo tu we th fr sa su). No window: available any time.")
        case .window: ("Moment", "Plage", "Window")
        case .anyTime: ("Altijd beschikbaar (alle momenten wissen)", "Toujours disponible (effacer les plages)",
            "Available any time (clear all windows)")
        case .save: ("Bewaren", "Enregistrer", "Save")
        case .currentWindows: ("Nu bewaard:", "Enregistré :", "Stored now:")
        case .busy: ("Mijn agenda doorgeven", "Transmettre mon agenda", "Share my busy times")
        case .busyExplain:
            ("Laad een export van je eigen agenda op (.ics). Kring bewaart alleen begin en einde van wat bezet is, "
                + "geen titels of namen, en plant je dan niet op die uren. Een nieuwe upload vervangt de vorige.",
             "Charge un export de ton agenda (.ics). Kring ne garde que le début et la fin des moments occupés, sans "
                + "titres ni noms, et ne te planifie pas à ces heures-là. Un nouvel envoi remplace le précédent.",
             "Upload an export of your own calendar (.ics). Kring keeps only the start and end of busy times, no "
                + "titles or names, and plans you around them. A new upload replaces the previous one.")
        case .busyFile: ("Agendabestand (.ics)", "Fichier d'agenda (.ics)", "Calendar file (.ics)")
        case .busyUpload: ("Opladen", "Envoyer", "Upload")
        case .busyDone: ("Bezette momenten bewaard:", "Moments occupés enregistrés :", "Busy times stored:")
        case .clashes:
            ("Dit botst met bijeenkomsten waarvoor je al ingepland bent; de coördinator plant ze opnieuw:",
             "Cela tombe en même temps que des séances où tu es déjà prévu·e ; la coordination les replanifie :",
             "This clashes with sessions you are already planned for; the coordinator will re-plan them:")
        case .subscribe: ("Abonneren in mijn agenda", "M'abonner dans mon agenda", "Subscribe in my calendar")
        case .subscribeExplain:
            ("Je agenda-app houdt je bijeenkomsten dan zelf bij, ook als ze verplaatst worden. De link opent alleen je "
                + "agenda; de coördinator kan hem intrekken.",
             "Ton application d'agenda suit alors tes séances, même déplacées. Le lien n'ouvre que ton agenda ; le "
                + "coordinateur peut le révoquer.",
             "Your calendar app then keeps your sessions up to date, moved ones too. The link opens only your "
                + "calendar; the coordinator can revoke it.")
        case .subscribeButton: ("Maak mijn abonnementslink", "Créer mon lien d'abonnement", "Make my subscription link")
        case .subscribeDone:
            ("Open deze link op je telefoon, of kopieer hem in je agenda-app:",
             "Ouvre ce lien sur ton téléphone, ou copie-le dans ton application d'agenda :",
             "Open this link on your phone, or copy it into your calendar app:")
        case .subscribeScan:
            ("Op een computer? Scan deze code met de camera van je telefoon.",
             "Sur un ordinateur ? Scanne ce code avec l'appareil photo de ton téléphone.",
             "On a computer? Scan this code with your phone's camera.")
        case .subscribeScanLabel:
            ("QR-code van je abonnementslink", "Code QR de ton lien d'abonnement", "QR code of your subscription link")
        }
    }

    /// Short weekday names, Monday first.
    var weekdays: [String] {
        switch language {
        case .nl: ["ma", "di", "wo", "do", "vr", "za", "zo"]
        case .fr: ["lun", "mar", "mer", "jeu", "ven", "sam", "dim"]
        default: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        }
    }
}
