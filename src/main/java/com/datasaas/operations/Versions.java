package com.datasaas.operations;

/** The running DataSaaS version, from the jar's manifest ("development" when run from classes). */
public final class Versions {
    private Versions() {}

    public static String app() {
        String version = Versions.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
