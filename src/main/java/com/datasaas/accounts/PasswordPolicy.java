package com.datasaas.accounts;

import com.datasaas.app.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import me.gosimple.nbvcxz.resources.Dictionary;
import me.gosimple.nbvcxz.resources.DictionaryBuilder;
import me.gosimple.nbvcxz.resources.Feedback;
import me.gosimple.nbvcxz.scoring.Result;
import org.springframework.stereotype.Component;

/**
 * Which passwords we accept. Strength is estimated by nbvcxz (zxcvbn's approach: common-password and word lists,
 * keyboard patterns, repeats, dates, leet speak) rather than by composition rules, which push people to
 * "Passw0rd!" while refusing long random phrases. The account's email, its parts and the account name join the
 * estimator's exclusion list, so neither is ever accepted as the password nor as its core.
 */
@Component
public final class PasswordPolicy {
    static final int MIN_LENGTH = 8;
    // bcrypt ignores everything past 72 bytes; refusing longer passwords avoids a false sense of strength.
    static final int MAX_BYTES = 72;
    /** nbvcxz's own default: about 2^35 guesses, which bcrypt at cost 10 makes years of work per account. */
    static final double MIN_ENTROPY_BITS = 35;

    /**
     * nbvcxz's word lists take about two seconds to load: once per process, on the first estimate (a sign-up or a
     * password change), not at start-up, where every second counts before the first event is answered.
     */
    private static final class WordLists {
        static final List<Dictionary> DEFAULT = ConfigurationBuilder.getDefaultDictionaries();
    }

    /**
     * Throws a 400 saying what to do when the password is not acceptable for this account; the reset-password command
     * applies the same policy.
     */
    public void check(String field, String password, String email, String name) {
        if (password == null || password.length() < MIN_LENGTH) {
            throw ApiException.badRequest("Field '" + field + "' must be at least " + MIN_LENGTH + " characters.");
        }
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw ApiException.badRequest("Field '" + field + "' must be at most " + MAX_BYTES + " bytes.");
        }
        Set<String> personal = personalWords(email, name);
        String lower = password.strip().toLowerCase(Locale.ROOT);
        if (personal.contains(lower)) {
            throw ApiException.badRequest(
                    "Field '" + field + "' must not be your email address or name. Choose a passphrase of a few"
                            + " uncommon words instead.");
        }
        List<Dictionary> all = new ArrayList<>(WordLists.DEFAULT);
        all.add(new DictionaryBuilder()
                .setDictionaryName("account")
                .setExclusion(true)
                .addWords(personal, 0)
                .createDictionary());
        Nbvcxz estimator = new Nbvcxz(new ConfigurationBuilder()
                .setDictionaries(all)
                .setMinimumEntropy(MIN_ENTROPY_BITS)
                .createConfiguration());
        Result result = estimator.estimate(password);
        if (!result.isMinimumEntropyMet()) {
            Feedback feedback = result.getFeedback();
            StringBuilder message = new StringBuilder("Field '" + field + "' is too easy to guess");
            if (feedback.getWarning() != null) {
                message.append(": ").append(feedback.getWarning());
            } else {
                message.append('.');
            }
            message.append(" Use a longer passphrase of a few uncommon words (for example four random words),"
                    + " not your email or name.");
            throw ApiException.badRequest(message.toString());
        }
    }

    private static Set<String> personalWords(String email, String name) {
        Set<String> words = new LinkedHashSet<>();
        if (email != null && !email.isBlank()) {
            String e = email.strip().toLowerCase(Locale.ROOT);
            words.add(e);
            int at = e.indexOf('@');
            if (at > 0) {
                words.add(e.substring(0, at));
                words.add(e.substring(at + 1));
            }
        }
        if (name != null && !name.isBlank()) {
            words.add(name.strip().toLowerCase(Locale.ROOT));
        }
        words.removeIf(w -> w.length() < 3);
        return words;
    }
}
