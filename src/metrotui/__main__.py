from metrotui.launch import main

main()
