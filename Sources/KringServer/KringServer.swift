import KringApp

/// The HTTP service over the application operations (issue 5 fills this in).
public enum KringServer {}
