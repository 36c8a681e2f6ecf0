package com.datasaas.accounts;

import com.datasaas.app.ApiException;
import com.datasaas.app.ClientAddresses;
import com.datasaas.app.DataSaasProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]{2,}$");
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
    // Comparing against a real hash when the account does not exist keeps response time from revealing emails.
    private final String dummyHash;

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
        this.dummyHash = passwords.encode("not-a-real-password");
    }

    record SignupRequest(String email, String password, String name) {}

    record LoginRequest(String email, String password) {}

    record PasswordChange(String currentPassword, String newPassword, Boolean revokeApiKeys) {}

    private static Counter loginCounter(MeterRegistry meters, String outcome) {
        return Counter.builder("datasaas.login.attempts")
                .description("Login attempts by outcome")
                .tag("outcome", outcome)
                .register(meters);
    }

    @PostMapping("/api/auth/signup")
    @ResponseStatus(HttpStatus.CREATED)
    synchronized Map<String, Object> signup(
            @RequestBody SignupRequest body, HttpServletRequest request, HttpServletResponse response) {
        String email = normaliseEmail(body.email());
        String name = body.name() == null || body.name().isBlank()
                ? email.substring(0, email.indexOf('@'))
                : body.name().strip();
        if (name.length() > 100) {
            throw ApiException.badRequest("Field 'name' must be at most 100 characters.");
        }
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
        return view(account);
    }

    @PostMapping("/api/auth/login")
    Map<String, Object> login(
            @RequestBody LoginRequest body, HttpServletRequest request, HttpServletResponse response) {
        if (body.email() == null || body.password() == null) {
            throw ApiException.badRequest("Send 'email' and 'password'.");
        }
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
        String hash = account.map(Account::passwordHash).orElse(dummyHash);
        boolean matches = passwords.matches(body.password(), hash);
        if (account.isEmpty() || !matches) {
            attempts.get("failure").increment();
            throw new ApiException(HttpStatus.UNAUTHORIZED, BAD_LOGIN);
        }
        attempts.get("success").increment();
        attempt.succeeded();
        startSession(account.get(), request, response);
        return view(account.get());
    }

    @GetMapping("/api/me")
    Map<String, Object> me() {
        Caller caller = Caller.current();
        Account account = accounts.findById(caller.accountId())
                .orElseThrow(() -> new ApiException(HttpStatus.UNAUTHORIZED, "This account no longer exists."));
        Map<String, Object> view = new java.util.LinkedHashMap<>(view(account));
        view.put("auth", caller.viaApiKey() ? "api_key" : "session");
        view.put("scope", caller.scope().name().toLowerCase(Locale.ROOT));
        view.put("website_id", caller.websiteId());
        return view;
    }

    @PostMapping("/api/me/password")
    Map<String, Object> changePassword(@RequestBody PasswordChange body, HttpServletRequest request) {
        Caller caller = Caller.current();
        if (caller.viaApiKey()) {
            throw new ApiException(
                    HttpStatus.FORBIDDEN, "Change the password from a logged-in session, not an API key.");
        }
        Account account = accounts.findById(caller.accountId()).orElseThrow();
        if (body.currentPassword() == null || !passwords.matches(body.currentPassword(), account.passwordHash())) {
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
        Map<String, Object> result = new java.util.LinkedHashMap<>();
        result.put("ok", true);
        result.put("sessions_ended", ended);
        result.put("api_keys_revoked", revoked);
        return result;
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

    private static Map<String, Object> view(Account account) {
        return Map.of(
                "id", account.id(),
                "email", account.email(),
                "name", account.name(),
                "created_at", account.createdAt().toString());
    }
}
