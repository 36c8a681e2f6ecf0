package com.datasaas.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.security.SecureRandom;
import java.util.Base64;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfiguration;

/**
 * Runs a {@link RunningApp} test class with its metadata in PostgreSQL (server mode) instead of SQLite: subclass the
 * SQLite test and put this on the subclass, and every test of the parent runs again on PostgreSQL. All classes so
 * marked share one application context and one database on the JVM's {@link PostgresServer}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Inherited
@ContextConfiguration(initializers = MetadataOnPostgres.Database.class)
public @interface MetadataOnPostgres {

    /** Points the context at a fresh database; server mode requires the secret key from the environment. */
    final class Database implements ApplicationContextInitializer<ConfigurableApplicationContext> {
        @Override
        public void initialize(ConfigurableApplicationContext context) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            TestPropertyValues.of(
                            "datasaas.database.url=" + PostgresServer.shared().newDatabase("app"),
                            "datasaas.database.user=" + PostgresServer.USER,
                            "datasaas.database.password=",
                            "datasaas.secret-key=" + Base64.getEncoder().encodeToString(key))
                    .applyTo(context);
        }
    }
}
