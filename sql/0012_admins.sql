-- Administrators are a role granted by an operator (`ChatApp.Silo admin grant NAME`), not a name
-- in the configuration: whoever registered a configured name first used to become admin.
-- The role follows the account (its id), so it goes with the account and never to a new owner of the name.
CREATE TABLE admins
(
    user_id    bigint      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    granted_at timestamptz NOT NULL DEFAULT now()
);
