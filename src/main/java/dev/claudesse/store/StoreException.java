package dev.claudesse.store;

/** The database could not do what was asked (it is down, or refused). The web layer answers 503. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }
}
