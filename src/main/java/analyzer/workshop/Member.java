package analyzer.workshop;

import java.util.List;
import java.util.Objects;

/**
 * Someone who may log in to the secret server's members' area. The passwords are demo passwords: the point of the
 * workshop is to watch them cross the wire (in clear over HTTP) and to steal the session they open.
 *
 * @param note the member-only line shown on their page, recognisable in a capture or a hijacked response
 */
public record Member(String username, String password, String note) {

    /** The club's members in every workshop; README and {@code analyzer server --help} list them. */
    public static final List<Member> DEMO = List.of(
            new Member("alice", "wonderland", "The next meeting is at the old oak, midnight. Bring acorns."),
            new Member("bob", "hazelnuts", "Your turn to guard the stash of the Secret Squirrels this week."));

    public Member {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(note, "note");
        if (username.isEmpty()) {
            throw new IllegalArgumentException("a member needs a username");
        }
    }

    @Override
    public String toString() {
        return "Member[" + username + ", password hidden]";
    }
}
