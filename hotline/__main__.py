from hotline.launch import main

main()
