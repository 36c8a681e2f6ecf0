package com.datasaas.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.datasaas.support.ApiClient;
import com.datasaas.support.RunningApp;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Each policy needs its own app (the shared test app runs with open registration). */
class RegistrationPolicyTest {

    @Nested
    @TestPropertySource(properties = "datasaas.registration=first-user")
    class FirstUser extends RunningApp {
        @Test
        void only_the_first_account_may_sign_up() {
            ApiClient.Response first = newClient()
                    .post(
                            "/api/auth/signup",
                            Map.of("email", "owner@example.com", "password", "correct horse battery"));
            assertThat(first.status()).isEqualTo(201);
            ApiClient.Response second = newClient()
                    .post(
                            "/api/auth/signup",
                            Map.of("email", "second@example.com", "password", "correct horse battery"));
            assertThat(second.status()).isEqualTo(403);
            assertThat(second.errorMessage()).contains("DATASAAS_REGISTRATION");
        }
    }

    @Nested
    @TestPropertySource(properties = "datasaas.registration=closed")
    class Closed extends RunningApp {
        @Test
        void nobody_may_sign_up() {
            ApiClient.Response response = newClient()
                    .post(
                            "/api/auth/signup",
                            Map.of("email", "someone@example.com", "password", "correct horse battery"));
            assertThat(response.status()).isEqualTo(403);
        }
    }
}
