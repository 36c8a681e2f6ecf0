package com.datasaas.accounts;

import com.datasaas.app.ApiException;
import com.datasaas.app.ClientAddresses;
import com.datasaas.app.DataSaasProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.Nullable;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

@RestController
class AuthController {
    // Surrounding blanks are allowed here because the address is stripped before use (normaliseEmail).
    private static final String EMAIL_SHAPE = "\\s*[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}\\s*";
    private static final String EMAIL_RULE = "must be a valid email address";
    // A string never has more characters than UTF-8 bytes, so max = MAX_BYTES is the byte limit's cheap half;
    // PasswordPolicy counts the bytes.
    private static final String PASSWORD_LENGTH_RULE = "must be at least " + PasswordPolicy.MIN_LENGTH
            + " characters and at most " + PasswordPolicy.MAX_BYTES + " bytes";
    private static final String BAD_LOGIN = "Email or password is incorrect.";

    private final AccountRepository accounts;
    private final PasswordEncoder passwords;
    private final LoginThrottle throttle;
    private final PasswordPolicy policy;
    private final AccountSessions sessions;
    private final ApiKeyRepository apiKeys;
    private final Map<String, Counter> attempts;
    private final ClientAddresses clientAddresses;
    private final SecurityContextRepository securityContexts;
    private final DataSaasProperties properties;
    private final Clock clock;
    /**
     * Compared against when the account does not exist, so response time does not reveal which emails have one. A
     * constant BCrypt hash at the encoder's strength (10, {@link SecurityConfiguration#passwordEncoder}) checks as
     * slowly as a real one; computing it at start-up cost a second of start-up CPU before the JIT had warmed up.
     * {@code DummyHashTest} keeps it in step with the encoder.
     */
    static final String DUMMY_HASH = "$2a$10$EW0CY0yWm8WX2nIwc6UGiO5U12iZywDRINuzujuucL/RYAVwSabzy";

    AuthController(
            AccountRepository accounts,
            PasswordEncoder passwords,
            LoginThrottle throttle,
            PasswordPolicy policy,
            AccountSessions sessions,
            ApiKeyRepository apiKeys,
            ClientAddresses clientAddresses,
            SecurityContextRepository securityContexts,
            DataSaasProperties properties,
            MeterRegistry meters,
            Clock clock) {
        this.accounts = accounts;
        this.passwords = passwords;
        this.throttle = throttle;
        this.policy = policy;
        this.sessions = sessions;
        this.apiKeys = apiKeys;
        // success + failure = password checks run; throttled attempts never reach the check.
        this.attempts = Map.of(
                "success", loginCounter(meters, "success"),
                "failure", loginCounter(meters, "failure"),
                "throttled", loginCounter(meters, "throttled"));
        this.clientAddresses = clientAddresses;
        this.securityContexts = securityContexts;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * The body of POST /api/auth/signup. Shape and length are checked by Bean Validation; strength (which depends on
     * the email and name) by {@link PasswordPolicy}, uniqueness by the store.
     */
    record SignupRequest(
            @Schema(example = "jane@example.com")
            @NotBlank(message = "is required")
            @Size(max = 254, message = EMAIL_RULE)
            @Pattern(regexp = EMAIL_SHAPE, message = EMAIL_RULE)
            String email,

            @Schema(
                    description = "8 to 72 bytes, and hard to guess (docs/security.md).",
                    example = "correct horse battery")
            @NotNull(message = PASSWORD_LENGTH_RULE)
            @Size(min = PasswordPolicy.MIN_LENGTH, max = PasswordPolicy.MAX_BYTES, message = PASSWORD_LENGTH_RULE)
            String password,

            @Schema(description = "Defaults to the part of the email before '@'.")
            @Nullable
            @Size(max = 100, message = "must be at most 100 characters")
            String name) {}

    record LoginRequest(
            @Schema(example = "jane@example.com") @NotNull(message = "is required")
            String email,

            @Schema(example = "correct horse battery") @NotNull(message = "is required")
            String password) {}

    record PasswordChange(
            @NotNull(message = "is required") String currentPassword,

            @Schema(description = "Must pass the password policy (see docs/security.md).")
            @NotNull(message = PASSWORD_LENGTH_RULE)
            @Size(min = PasswordPolicy.MIN_LENGTH, max = PasswordPolicy.MAX_BYTES, message = PASSWORD_LENGTH_RULE)
            String newPassword,

            @Schema(description = "Also delete every API key of the account. Defaults to false.") @Nullable
            Boolean revokeApiKeys) {}

    /** The password changed; every other session ended, and the API keys too when asked. */
    record PasswordChanged(boolean ok, int sessionsEnded, int apiKeysRevoked) {}

    /** The signed-in account. */
    record AccountView(long id, String email, String name, Instant createdAt) {
        static AccountView of(Account account) {
            return new AccountView(account.id(), account.email(), account.name(), account.createdAt());
        }
    }

    /** The caller: the account plus how it authenticated. */
    record MeView(
            long id,
            String email,
            String name,
            Instant createdAt,

            @Schema(allowableValues = {"session", "api_key"})
            String auth,

            @Schema(allowableValues = {"read", "write"}) String scope,

            @Schema(description = "Set when the API key is limited to one website.") @Nullable
            String websiteId) {}

    private static Counter loginCounter(MeterRegistry meters, String outcome) {
        return Counter.builder("datasaas.login.attempts")
                .description("Login attempts by outcome")
                .tag("outcome", outcome)
                .register(meters);
    }

    @PostMapping("/api/auth/signup")
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "201", description = "Signed up and logged in (sets the session cookie).")
    @ApiResponse(responseCode = "409", description = "An account with this email already exists.")
    @ApiResponse(
            responseCode = "403",
            description = "Registration is closed (DATASAAS_REGISTRATION), or the X-XSRF-TOKEN header is missing.")
    synchronized AccountView signup(
            @Valid @RequestBody SignupRequest body, HttpServletRequest request, HttpServletResponse response) {
        String email = normaliseEmail(body.email());
        String name = body.name() == null || body.name().isBlank()
                ? email.substring(0, email.indexOf('@'))
                : body.name().strip();
        policy.check("password", body.password(), email, name);
        switch (properties.registration()) {
            case CLOSED ->
                throw new ApiException(
                        HttpStatus.FORBIDDEN,
                        "Registration is closed on this instance. Ask its administrator for an account.");
            case FIRST_USER -> {
                if (accounts.count() > 0) {
                    throw new ApiException(
                            HttpStatus.FORBIDDEN,
                            "Registration is closed: this instance already has its owner account. "
                                    + "Set DATASAAS_REGISTRATION=open to allow more sign-ups.");
                }
            }
            case OPEN -> {}
        }
        if (accounts.findByEmail(email).isPresent()) {
            throw new ApiException(HttpStatus.CONFLICT, "An account with this email already exists. Log in instead.");
        }
        Account account = accounts.create(email, name, passwords.encode(body.password()), clock.instant());
        throttle.remember(email, clientAddresses.resolve(request));
        startSession(account, request, response);
        return AccountView.of(account);
    }

    @PostMapping("/api/auth/login")
    @ApiResponse(responseCode = "200", description = "Logged in; the answer sets a new session cookie.")
    @ApiResponse(responseCode = "401", description = "Email or password is incorrect.")
    @ApiResponse(responseCode = "429", description = "Too many failed logins; `Retry-After` says when to retry.")
    AccountView login(@Valid @RequestBody LoginRequest body, HttpServletRequest request, HttpServletResponse response) {
        String email = body.email().strip().toLowerCase(Locale.ROOT);
        LoginThrottle.Attempt attempt = throttle.begin(email, clientAddresses.resolve(request));
        if (!attempt.allowed()) {
            attempts.get("throttled").increment();
            throw new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS,
                    "Too many failed logins from this address or for this account. Try again in a few minutes.",
                    attempt.wait);
        }
        var account = accounts.findByEmail(email);
        String hash = account.map(Account::passwordHash).orElse(DUMMY_HASH);
        boolean matches = passwords.matches(body.password(), hash);
        if (account.isEmpty() || !matches) {
            attempts.get("failure").increment();
            throw new ApiException(HttpStatus.UNAUTHORIZED, BAD_LOGIN);
        }
        attempts.get("success").increment();
        attempt.succeeded();
        startSession(account.get(), request, response);
        return AccountView.of(account.get());
    }

    @GetMapping("/api/me")
    MeView me() {
        Caller caller = Caller.current();
        Account account = accounts.findById(caller.accountId())
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "This account no longer exists."));
        return new MeView(
                account.id(),
                account.email(),
                account.name(),
                account.createdAt(),
                caller.viaApiKey() ? "api_key" : "session",
                caller.scope().name().toLowerCase(Locale.ROOT),
                caller.websiteId());
    }

    @PostMapping("/api/me/password")
    @ApiResponse(responseCode = "200", description = "Changed; other sessions ended, API keys revoked if asked.")
    @ApiResponse(
            responseCode = "400",
            description = "The current password is incorrect, or the new one fails the password policy.")
    @ApiResponse(responseCode = "403", description = "Called with an API key, or the X-XSRF-TOKEN header is missing.")
    PasswordChanged changePassword(@Valid @RequestBody PasswordChange body, HttpServletRequest request) {
        Caller caller = Caller.current();
        if (caller.viaApiKey()) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN, "Change the password from a logged-in session, not an API key.");
        }
        Account account = accounts.findById(caller.accountId()).orElseThrow();
        if (!passwords.matches(body.currentPassword(), account.passwordHash())) {
            throw ApiException.badRequest("The current password is incorrect.");
        }
        policy.check("new_password", body.newPassword(), account.email(), account.name());
        String hash = passwords.encode(body.newPassword());
        accounts.updatePassword(account.id(), hash);
        // Whoever knew the old password loses every other session; this one gets a fresh id.
        HttpSession current = request.getSession(false);
        int ended = sessions.endOthers(account.id(), current);
        if (current != null) {
            current.setAttribute(SessionCredentialsCheck.FINGERPRINT, SessionCredentialsCheck.fingerprint(hash));
            request.changeSessionId();
        }
        int revoked = Boolean.TRUE.equals(body.revokeApiKeys()) ? apiKeys.deleteAll(account.id()) : 0;
        return new PasswordChanged(true, ended, revoked);
    }

    private void startSession(Account account, HttpServletRequest request, HttpServletResponse response) {
        // A fresh session id on every login prevents session fixation.
        if (request.getSession(false) != null) {
            request.changeSessionId();
        } else {
            request.getSession(true);
        }
        sessions.register(account.id(), request.getSession());
        request.getSession()
                .setAttribute(
                        SessionCredentialsCheck.FINGERPRINT,
                        SessionCredentialsCheck.fingerprint(account.passwordHash()));
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                Caller.session(account.id()), null, List.of(new SimpleGrantedAuthority("ROLE_USER"))));
        SecurityContextHolder.setContext(context);
        securityContexts.saveContext(context, request, response);
    }

    /** Stored and looked up in one form; the shape was checked by Bean Validation on the raw value. */
    private static String normaliseEmail(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }
}
