-- wrk script: send the API token from the TOKEN environment variable.
wrk.headers["Authorization"] = "Token " .. os.getenv("TOKEN")
wrk.headers["Accept"] = "application/json"
