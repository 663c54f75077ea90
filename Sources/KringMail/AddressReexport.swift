// `MailAddress` lives in KringAddress so the domain can check contacts with the very rule delivery uses, without
// depending on mail; KringMail's users keep finding it here.
@_exported import KringAddress
