print("sink")
