package com.datasaas.events;

/** An event as it came out of the ingest spool: {@code id} is its spool sequence number, unique and increasing. */
public record SpooledEvent(long id, Event event) {}
