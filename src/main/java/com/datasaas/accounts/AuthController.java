package com.datasaas.accounts;

import com.datasaas.app.ApiException;
import com.datasaas.app.ClientAddresses;
import com.datasaas.app.DataSaasProperties;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.annotation.Nullable;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
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
    static final int MIN_PASSWORD_LENGTH = 8;
    // bcrypt ignores everything past 72 bytes; refusing longer passwords avoids a false sense of strength.
    static final int MAX_PASSWORD_BYTES = 72;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");
    private static final String BAD_LOGIN = "Email or password is incorrect.";

    private final AccountRepository accounts;
    private final PasswordEncoder passwords;
    private final LoginThrottle throttle;
    private final ClientAddresses clientAddresses;
    private final SecurityContextRepository securityContexts;
    private final DataSaasProperties properties;
    private final Clock clock;
    // Comparing against a real hash when the account does not exist keeps response time from revealing emails.
    private final String dummyHash;

    AuthController(
            AccountRepository accounts,
            PasswordEncoder passwords,
            LoginThrottle throttle,
            ClientAddresses clientAddresses,
            SecurityContextRepository securityContexts,
            DataSaasProperties properties,
            Clock clock) {
        this.accounts = accounts;
        this.passwords = passwords;
        this.throttle = throttle;
        this.clientAddresses = clientAddresses;
        this.securityContexts = securityContexts;
        this.properties = properties;
        this.clock = clock;
        this.dummyHash = passwords.encode("not-a-real-password");
    }

    record SignupRequest(
            @Schema(example = "jane@example.com") String email,

            @Schema(description = "8 to 72 bytes.", example = "correct horse battery")
            String password,

            @Schema(description = "Defaults to the part of the email before '@'.", maxLength = 100) @Nullable
            String name) {}

    record LoginRequest(
            @Schema(example = "jane@example.com") String email,
            @Schema(example = "correct horse battery") String password) {}

    record PasswordChange(
            String currentPassword,
            @Schema(description = "8 to 72 bytes.") String newPassword) {}

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

    record Done(boolean ok) {}

    @PostMapping("/api/auth/signup")
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "201", description = "Signed up and logged in (sets the session cookie).")
    @ApiResponse(responseCode = "409", description = "An account with this email already exists.")
    @ApiResponse(
            responseCode = "403",
            description = "Registration is closed (DATASAAS_REGISTRATION), or the X-XSRF-TOKEN header is missing.")
    synchronized AccountView signup(
            @RequestBody SignupRequest body, HttpServletRequest request, HttpServletResponse response) {
        String email = normaliseEmail(body.email());
        String name = body.name() == null || body.name().isBlank()
                ? email.substring(0, email.indexOf('@'))
                : body.name().strip();
        if (name.length() > 100) {
            throw ApiException.badRequest("Field 'name' must be at most 100 characters.");
        }
        validatePassword("password", body.password());
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
        startSession(account, request, response);
        return AccountView.of(account);
    }

    @PostMapping("/api/auth/login")
    @ApiResponse(responseCode = "200", description = "Logged in; the answer sets a new session cookie.")
    @ApiResponse(responseCode = "401", description = "Email or password is incorrect.")
    @ApiResponse(responseCode = "429", description = "Too many failed logins; `Retry-After` says when to retry.")
    AccountView login(@RequestBody LoginRequest body, HttpServletRequest request, HttpServletResponse response) {
        if (body.email() == null || body.password() == null) {
            throw ApiException.badRequest("Send 'email' and 'password'.");
        }
        String email = body.email().strip().toLowerCase(Locale.ROOT);
        String address = clientAddresses.resolve(request).getHostAddress();
        Duration wait = throttle.waitBeforeAttempt(email, address);
        if (!wait.isZero()) {
            throw new ApiException(
                    HttpStatus.TOO_MANY_REQUESTS, "Too many failed logins. Try again in a few minutes.", wait);
        }
        var account = accounts.findByEmail(email);
        String hash = account.map(Account::passwordHash).orElse(dummyHash);
        boolean matches = passwords.matches(body.password(), hash);
        if (account.isEmpty() || !matches) {
            throttle.recordFailure(email, address);
            throw new ApiException(HttpStatus.UNAUTHORIZED, BAD_LOGIN);
        }
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
    Done changePassword(@RequestBody PasswordChange body) {
        Caller caller = Caller.current();
        if (caller.viaApiKey()) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN, "Change the password from a logged-in session, not an API key.");
        }
        Account account = accounts.findById(caller.accountId()).orElseThrow();
        if (body.currentPassword() == null || !passwords.matches(body.currentPassword(), account.passwordHash())) {
            throw ApiException.badRequest("The current password is incorrect.");
        }
        validatePassword("new_password", body.newPassword());
        accounts.updatePassword(account.id(), passwords.encode(body.newPassword()));
        return new Done(true);
    }

    private void startSession(Account account, HttpServletRequest request, HttpServletResponse response) {
        // A fresh session id on every login prevents session fixation.
        if (request.getSession(false) != null) {
            request.changeSessionId();
        } else {
            request.getSession(true);
        }
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(
                Caller.session(account.id()), null, List.of(new SimpleGrantedAuthority("ROLE_USER"))));
        SecurityContextHolder.setContext(context);
        securityContexts.saveContext(context, request, response);
    }

    private static String normaliseEmail(String email) {
        if (email == null || email.isBlank()) {
            throw ApiException.badRequest("Field 'email' is required.");
        }
        String normalised = email.strip().toLowerCase(Locale.ROOT);
        if (normalised.length() > 254 || !EMAIL.matcher(normalised).matches()) {
            throw ApiException.badRequest("Field 'email' must be a valid email address.");
        }
        return normalised;
    }

    private static void validatePassword(String field, String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw ApiException.badRequest(
                    "Field '" + field + "' must be at least " + MIN_PASSWORD_LENGTH + " characters.");
        }
        if (password.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            throw ApiException.badRequest("Field '" + field + "' must be at most " + MAX_PASSWORD_BYTES + " bytes.");
        }
    }
}
