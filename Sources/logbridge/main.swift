print("logbridge")
