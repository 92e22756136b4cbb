-- wrk script: the password grant in a loop for one account: LOGIN_USERNAME (default the bench
-- account, "bench") with the bench password. Used by login_storm.sh, compare_builds.sh and
-- per_core.sh.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "username=" .. (os.getenv("LOGIN_USERNAME") or "bench") .. "&password=benchmark-password"
