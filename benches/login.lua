-- wrk script: the password grant in a loop (the bench account), for benches/login_storm.sh.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.body = "username=bench&password=benchmark-password"
